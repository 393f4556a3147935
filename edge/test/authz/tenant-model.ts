import { ROLE_RANK, type Role } from '@berth/protocol';

/*
 * A deliberately simple model of who belongs where, for the cross-tenant property test.
 * It is written from the product rules (roles, tokens, invitations, join requests), not from
 * the services: each operation predicts a status from the model alone.
 */

export interface ModelUser {
  userId: string;
  email: string;
  cookie: string;
}

export interface ModelTenant {
  id: string;
  slug: string;
  name: string;
  members: Map<string, Role>;
  /** Every email ever tied to the tenant (members, invitees, people asking to join). */
  seenEmails: Set<string>;
}

export interface ModelInvitation {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked';
}

export interface ModelJoinRequest {
  id: string;
  tenantId: string;
  userId: string;
  status: 'pending' | 'approved' | 'rejected';
}

export interface ModelToken {
  id: string;
  tenantId: string;
  role: Role;
  /** The user who minted it: the token acts with no more than their current role in its tenant. */
  createdBy: string;
  secret: string;
  revoked: boolean;
}

export interface Model {
  users: readonly ModelUser[];
  tenants: ModelTenant[];
  invitations: ModelInvitation[];
  joinRequests: ModelJoinRequest[];
  tokens: ModelToken[];
}

export type Actor = { kind: 'user'; user: ModelUser } | { kind: 'token'; token: ModelToken } | { kind: 'anonymous' };

export type Access = { kind: 'user' } | { kind: 'visitor' } | { kind: 'member'; min: Role; tokens: boolean };

/** What the model expects: a status, and for refusals the error code. */
export interface Prediction {
  status: number;
  code?: string;
  /** The caller's role in the tenant, once the gate has let it in. */
  role?: Role;
}

const fail = (status: number, code: string): Prediction => ({ status, code });
export const outranks = (a: Role, b: Role) => ROLE_RANK[a] > ROLE_RANK[b];

/**
 * What a token may act with: the lower of its own role and its creator's current role in its
 * tenant; undefined once it is revoked or its creator is no longer a member.
 */
export function tokenRole(model: Model, token: ModelToken): Role | undefined {
  const creator = model.tenants.find((t) => t.id === token.tenantId)?.members.get(token.createdBy);
  if (token.revoked || !creator) return undefined;
  return outranks(token.role, creator) ? creator : token.role;
}

/** The gate: who gets past authentication and authorization to the service. */
export function admit(model: Model, actor: Actor, access: Access, tenant: ModelTenant | undefined): Prediction {
  if (actor.kind === 'anonymous') return fail(401, 'UNAUTHENTICATED');
  const effective = actor.kind === 'token' ? tokenRole(model, actor.token) : undefined;
  if (actor.kind === 'token' && !effective) return fail(401, 'UNAUTHENTICATED');
  if (access.kind === 'user' || access.kind === 'visitor') {
    if (actor.kind === 'token') return fail(403, 'FORBIDDEN');
    if (access.kind === 'visitor' && !tenant) return fail(404, 'NOT_FOUND');
    return { status: 200, ...(tenant?.members.get(actor.user.userId) ? { role: tenant.members.get(actor.user.userId) } : {}) };
  }
  const role =
    actor.kind === 'token'
      ? tenant && actor.token.tenantId === tenant.id
        ? effective
        : undefined
      : tenant?.members.get(actor.user.userId);
  if (!role) return fail(404, 'NOT_FOUND');
  if (actor.kind === 'token' && !access.tokens) return fail(403, 'FORBIDDEN');
  if (outranks(access.min, role)) return fail(403, 'FORBIDDEN');
  return { status: 200, role };
}

export const ownerCount = (t: ModelTenant) => [...t.members.values()].filter((r) => r === 'owner').length;

/** Tenants whose data the caller may see: its memberships (or its token's tenant). */
export function tenantsOf(model: Model, actor: Actor): Set<string> {
  if (actor.kind === 'token') return new Set([actor.token.tenantId]);
  if (actor.kind === 'anonymous') return new Set();
  return new Set(model.tenants.filter((t) => t.members.has(actor.user.userId)).map((t) => t.id));
}

/**
 * Strings the caller must not find in an answer: ids and slugs of tenants it is not in, their
 * tokens, invitations (unless addressed to the caller) and join requests (unless the caller's),
 * and emails that no tenant of the caller has ever seen.
 */
export function secretsFor(model: Model, actor: Actor, visible: Set<string>, universe: readonly string[]): string[] {
  const me = actor.kind === 'user' ? actor.user : undefined;
  const out: string[] = [];
  const knownEmails = new Set(me ? [me.email] : []);
  for (const t of model.tenants) {
    if (visible.has(t.id)) {
      for (const e of t.seenEmails) knownEmails.add(e);
      continue;
    }
    out.push(t.id, t.slug);
    for (const k of model.tokens) if (k.tenantId === t.id) out.push(k.id);
    for (const i of model.invitations) if (i.tenantId === t.id && i.email !== me?.email) out.push(i.id);
    for (const r of model.joinRequests) if (r.tenantId === t.id && r.userId !== me?.userId) out.push(r.id);
  }
  for (const e of universe) if (!knownEmails.has(e)) out.push(e);
  return out;
}
