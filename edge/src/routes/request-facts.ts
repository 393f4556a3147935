import type { Context } from 'hono';
import type { AppEnv, RequestFacts, TenantScope } from '../context.ts';

/** Who and what, for audit rows and service calls. */
export function requestFacts(c: Context<AppEnv>): RequestFacts {
  return { requestId: c.get('requestId'), ip: c.get('ip') ?? null, actor: c.get('actor') ?? { kind: 'anonymous' } };
}

/** The tenant scope authorize resolved; every tenant route has one. */
export type ScopeReader = { get(key: 'scope'): TenantScope | undefined };

export function scopeOf(c: ScopeReader): TenantScope {
  const scope = c.get('scope');
  if (!scope) throw new Error('tenant route reached without a resolved scope');
  return scope;
}
