import { and, eq, sql } from 'drizzle-orm';
import { membership, user } from '@berth/db';
import type { Member, Role } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import type { ServiceDeps } from './service-deps.ts';
import { assertMayGrant, assertMayManage } from './rank.ts';

export async function listMembers(deps: ServiceDeps, scope: TenantScope): Promise<Member[]> {
  const rows = await deps.db
    .select({ userId: membership.userId, role: membership.role, joinedAt: membership.createdAt, email: user.email, name: user.name })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(eq(membership.tenantId, scope.tenantId))
    .orderBy(user.email)
    .all();
  return rows.map((r) => ({ ...r, joinedAt: r.joinedAt.toISOString() }));
}

async function loadMember(deps: ServiceDeps, scope: TenantScope, userId: string) {
  const row = await deps.db
    .select({ role: membership.role, email: user.email, name: user.name, joinedAt: membership.createdAt })
    .from(membership)
    .innerJoin(user, eq(user.id, membership.userId))
    .where(and(eq(membership.tenantId, scope.tenantId), eq(membership.userId, userId)))
    .get();
  if (!row) throw new AppError(404, 'NOT_FOUND', 'member not found');
  return row;
}

async function ownerCount(deps: ServiceDeps, tenantId: string): Promise<number> {
  const row = await deps.db
    .select({ n: sql<number>`count(*)` })
    .from(membership)
    .where(and(eq(membership.tenantId, tenantId), eq(membership.role, 'owner')))
    .get();
  return Number(row?.n ?? 0);
}

export async function updateMemberRole(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, userId: string, role: Role): Promise<Member> {
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const target = await loadMember(deps, scope, userId);
    assertMayManage(scope, target.role);
    assertMayGrant(scope, role);
    if (target.role === 'owner' && role !== 'owner' && (await ownerCount(deps, scope.tenantId)) <= 1) {
      throw new AppError(409, 'LAST_OWNER', 'a tenant keeps at least one owner');
    }
    return {
      writes: [deps.db.update(membership).set({ role }).where(and(eq(membership.tenantId, scope.tenantId), eq(membership.userId, userId)))],
      note: { action: 'member.update', targetType: 'user', targetId: userId, details: { from: target.role, to: role } },
      result: { userId, email: target.email, name: target.name, role, joinedAt: target.joinedAt.toISOString() },
    };
  });
}

export async function removeMember(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, userId: string): Promise<void> {
  await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const target = await loadMember(deps, scope, userId);
    assertMayManage(scope, target.role);
    if (target.role === 'owner' && (await ownerCount(deps, scope.tenantId)) <= 1) {
      throw new AppError(409, 'LAST_OWNER', 'a tenant keeps at least one owner');
    }
    return {
      writes: [deps.db.delete(membership).where(and(eq(membership.tenantId, scope.tenantId), eq(membership.userId, userId)))],
      note: { action: 'member.remove', targetType: 'user', targetId: userId, details: { role: target.role } },
      result: undefined,
    };
  });
}
