import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { ROLE_RANK } from '@berth/protocol';
import type { AppEnv, Actor, TenantScope } from '../context.ts';
import { isMutating, ruleFor, type RouteRule } from '../permissions.ts';
import { AppError } from '../errors.ts';
import { findMembership, findTenant } from '../tenants/resolve.ts';
import { recordOutcome, type AuditDeps } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import { requestFacts } from '../routes/request-facts.ts';

/**
 * A path parameter of the matched handler route. Middleware runs before the handler, when
 * c.req.param() still answers for the middleware's own pattern, so read it from the path.
 */
function paramOf(pattern: string, path: string, name: string): string {
  const at = pattern.split('/').indexOf(`:${name}`);
  const raw = at < 0 ? undefined : path.split('/')[at];
  try {
    return raw ? decodeURIComponent(raw) : '';
  } catch {
    return '';
  }
}

export type Decision = { allow: true; scope?: TenantScope } | { allow: false; error: AppError; scope?: TenantScope };

const allow = (scope?: TenantScope): Decision => ({ allow: true, ...(scope ? { scope } : {}) });
const deny = (error: AppError, scope?: TenantScope): Decision => ({ allow: false, error, ...(scope ? { scope } : {}) });
const hidden = () => new AppError(404, 'NOT_FOUND', 'tenant not found');
const needUser = (actor: Actor) =>
  actor.kind === 'anonymous'
    ? new AppError(401, 'UNAUTHENTICATED', 'sign in first')
    : new AppError(403, 'FORBIDDEN', 'API tokens cannot call this route');

/**
 * The one authorization gate. Looks up the matched route in the permission table (a route
 * that is not there is refused), resolves `:tenant` against the caller's memberships (a tenant
 * the caller cannot see answers 404, exactly like one that does not exist), checks the role,
 * and records every refusal of a signed-in caller or token in the audit log.
 */
export function authorize(deps: AuditDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
    if (!handler) return next(); // no route: the not-found handler answers
    const rule = ruleFor(handler.method, handler.path);
    const decision = rule
      ? await decideAccess(deps, c.get('actor'), rule, paramOf(handler.path, c.req.path, 'tenant'))
      : deny(new AppError(403, 'FORBIDDEN', 'this route is not in the permission table'));
    if (rule) c.set('rule', rule);
    if (decision.scope) c.set('scope', decision.scope);
    if (decision.allow) {
      const scope = decision.scope;
      if (scope?.status === 'deleting' && isMutating(c.req.method) && rule?.action !== 'delete') {
        throw new AppError(409, 'TENANT_DELETING', 'this tenant is being deleted');
      }
      return next();
    }
    // Anonymous refusals are counted by the error handler, not chained one row each.
    if (c.get('actor').kind !== 'anonymous') {
      // Denials are written to the tenant's chain only when the caller belongs there; a probe
      // of someone else's tenant goes to the platform chain and leaves their log untouched.
      const ownScope = decision.scope?.role ? decision.scope : undefined;
      await recordOutcome(
        deps,
        requestFacts(c),
        ownScope?.tenantId ?? PLATFORM_CHAIN,
        ownScope?.tenantId ?? null,
        {
          action: rule ? `${rule.resource}.${rule.action}` : 'route.unlisted',
          details: { code: decision.error.code, method: handler.method, route: handler.path },
        },
        'denied',
      );
    }
    throw decision.error;
  };
}

/** Whether `actor` may follow `rule` on the tenant `tenantRef` (id or slug; '' for none), and in which scope. */
export async function decideAccess(deps: AuditDeps, actor: Actor, rule: RouteRule, tenantRef: string): Promise<Decision> {
  const access = rule.access;
  switch (access.kind) {
    case 'public':
      return allow();
    case 'user':
      return actor.kind === 'user' ? allow() : deny(needUser(actor));
    case 'platform-admin':
      if (actor.kind !== 'user') return deny(needUser(actor));
      return actor.platformRole === 'admin' ? allow() : deny(new AppError(403, 'FORBIDDEN', 'platform administrators only'));
    case 'tenant': {
      const ref = tenantRef;
      if (actor.kind === 'anonymous' || actor.kind === 'system') return deny(needUser(actor));
      let scope: TenantScope | undefined;
      if (actor.kind === 'token') {
        scope = await tokenScope(deps, actor, ref);
        if (scope && !access.tokens) return deny(new AppError(403, 'FORBIDDEN', 'API tokens cannot do this'), scope);
      } else {
        const m = await findMembership(deps.db, ref, actor.userId);
        scope = m ? { tenantId: m.tenantId, slug: m.slug, status: m.status, role: m.role } : undefined;
      }
      if (!scope?.role) return deny(hidden());
      if (ROLE_RANK[scope.role] < ROLE_RANK[access.min]) {
        return deny(new AppError(403, 'FORBIDDEN', `this needs the ${access.min} role or higher`), scope);
      }
      return allow(scope);
    }
    case 'tenant-visitor': {
      if (actor.kind === 'token') return deny(needUser(actor), await tokenScope(deps, actor, tenantRef));
      if (actor.kind !== 'user') return deny(needUser(actor));
      const t = await findTenant(deps.db, tenantRef);
      if (!t || t.status !== 'active') return deny(hidden());
      const m = await findMembership(deps.db, t.tenantId, actor.userId);
      return allow({ ...t, role: m?.role ?? null });
    }
    case 'tenant-platform-admin': {
      if (actor.kind === 'token') return deny(needUser(actor), await tokenScope(deps, actor, tenantRef));
      if (actor.kind !== 'user') return deny(needUser(actor));
      const ref = tenantRef;
      if (actor.platformRole === 'admin') {
        const t = await findTenant(deps.db, ref);
        return t ? allow({ ...t, role: null }) : deny(hidden());
      }
      const m = await findMembership(deps.db, ref, actor.userId);
      if (!m) return deny(hidden());
      return deny(new AppError(403, 'FORBIDDEN', 'platform administrators only'), { ...m });
    }
  }
}

/**
 * A token's scope on `:tenant` when that is the token's own tenant. Also used on routes tokens may
 * not call, so that their refusal is recorded in their own tenant's chain like a member's.
 */
async function tokenScope(deps: AuditDeps, actor: Extract<Actor, { kind: 'token' }>, ref: string): Promise<TenantScope | undefined> {
  const t = await findTenant(deps.db, ref);
  return t && t.tenantId === actor.tenantId ? { ...t, role: actor.role } : undefined;
}
