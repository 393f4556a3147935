import type { Role } from '@berth/protocol';
import type { RouteRule } from './permissions.ts';

/**
 * Who is calling. Tokens act inside exactly one tenant; a token's `role` is its effective role:
 * the lower of its own and its creator's current role in that tenant.
 */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; email: string; name: string; platformRole: 'admin' | 'user'; sessionId: string }
  | { kind: 'token'; tokenId: string; tenantId: string; role: Role }
  /** Berth itself (first-start housekeeping); never the result of an HTTP request. */
  | { kind: 'system'; name: string };

/** The tenant a tenant-scoped request acts on, resolved from `:tenant` (id or slug). */
export interface TenantScope {
  tenantId: string;
  slug: string;
  status: 'active' | 'deleting';
  /** The caller's role; null when the caller acts by platform role or as a visitor. */
  role: Role | null;
}

/** Facts about the request that audit rows and logs need. */
export interface RequestFacts {
  requestId: string;
  ip: string | null;
  actor: Actor;
}

export type AppVariables = {
  requestId: string;
  ip: string | null;
  actor: Actor;
  rule: RouteRule;
  scope: TenantScope | undefined;
};

export type AppEnv = { Variables: AppVariables };

export function actorId(actor: Actor): string | null {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'token') return actor.tokenId;
  if (actor.kind === 'system') return actor.name;
  return null;
}
