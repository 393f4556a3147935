import { ROLE_RANK, type Role } from '@berth/protocol';
import type { TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';

/** The caller's role inside the scope; every tenant route has one after authorize. */
export function callerRole(scope: TenantScope): Role {
  if (!scope.role) throw new AppError(403, 'FORBIDDEN', 'you are not a member of this tenant');
  return scope.role;
}

/** Nobody grants a role above their own. */
export function assertMayGrant(scope: TenantScope, role: Role) {
  if (ROLE_RANK[role] > ROLE_RANK[callerRole(scope)]) {
    throw new AppError(403, 'ROLE_ESCALATION', `you cannot grant the ${role} role`);
  }
}

/** Nobody changes or removes a member who outranks them. */
export function assertMayManage(scope: TenantScope, targetRole: Role) {
  if (ROLE_RANK[targetRole] > ROLE_RANK[callerRole(scope)]) {
    throw new AppError(403, 'ROLE_ESCALATION', 'you cannot change a member who outranks you');
  }
}
