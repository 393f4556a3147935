import { CreatedApiToken, Invitation, JoinRequest, Tenant, type Role } from '@berth/protocol';
import type { Caller, Harness } from '../support/harness.ts';
import { expectJson, signUpAll } from '../support/expect-json.ts';

export const ROLES: readonly Role[] = ['owner', 'admin', 'operator', 'viewer'];

/** The callers of the matrix. Tokens belong to tenant A; `outsider` owns tenant B. */
export const ACTORS = [
  'owner',
  'admin',
  'operator',
  'viewer',
  'owner-token',
  'admin-token',
  'operator-token',
  'viewer-token',
  'outsider',
  'platform-admin',
  'anonymous',
] as const;
export type ActorName = (typeof ACTORS)[number];

export interface ActorFacts {
  kind: 'user' | 'token' | 'anonymous';
  /** The actor's role in tenant A, or null when it has none. */
  roleInA: Role | null;
  platformAdmin: boolean;
}

export function factsOf(name: ActorName): ActorFacts {
  if (name === 'anonymous') return { kind: 'anonymous', roleInA: null, platformAdmin: false };
  if (name === 'outsider') return { kind: 'user', roleInA: null, platformAdmin: false };
  if (name === 'platform-admin') return { kind: 'user', roleInA: null, platformAdmin: true };
  const [role, token] = name.split('-') as [Role, string | undefined];
  return { kind: token ? 'token' : 'user', roleInA: role, platformAdmin: false };
}

type SignedUp = Caller & { userId: string; email: string };

export interface People {
  owner: SignedUp;
  admin: SignedUp;
  operator: SignedUp;
  viewer: SignedUp;
  outsider: SignedUp;
  platformAdmin: SignedUp;
  /** Never an actor: asks to join, gets managed, hosts tenants for invitations. */
  joiner: SignedUp;
}

export async function signUpPeople(h: Harness): Promise<People> {
  const [users, platformAdmin] = await Promise.all([
    signUpAll(h, {
      owner: 'owner@a.test',
      admin: 'admin@a.test',
      operator: 'operator@a.test',
      viewer: 'viewer@a.test',
      outsider: 'owner@b.test',
      joiner: 'joiner@elsewhere.test',
    }),
    h.setupAdmin('root@platform.test'),
  ]);
  return { ...users, platformAdmin };
}

/** Tenant A with one member per role and one token per role. */
export interface World {
  tenantId: string;
  slug: string;
  tokens: Record<Role, { id: string; secret: string }>;
}

let counter = 0;
export const uniqueSlug = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

export async function createTenant(h: Harness, by: Caller, prefix = 'tenant') {
  const slug = uniqueSlug(prefix);
  return expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { ...by, body: { name: `Tenant ${slug}`, slug } });
}

export async function addMember(h: Harness, tenantId: string, by: Caller, who: SignedUp, role: Role) {
  const inv = await expectJson(h, Invitation, 'POST', `/api/v1/tenants/${tenantId}/invitations`, 201, { ...by, body: { email: who.email, role } });
  await expectJson(h, Invitation, 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: who.cookie });
}

export async function mintToken(h: Harness, tenantId: string, by: Caller, role: Role) {
  const t = await expectJson(h, CreatedApiToken, 'POST', `/api/v1/tenants/${tenantId}/tokens`, 201, { ...by, body: { name: `${role} token`, role } });
  return { id: t.id, secret: t.token };
}

export async function buildWorld(h: Harness, p: People): Promise<World> {
  const t = await createTenant(h, p.owner, 'a');
  for (const role of ['admin', 'operator', 'viewer'] as const) await addMember(h, t.id, p.owner, p[role], role);
  const tokens = {} as World['tokens'];
  for (const role of ROLES) tokens[role] = await mintToken(h, t.id, p.owner, role);
  return { tenantId: t.id, slug: t.slug, tokens };
}

export function credentialsOf(name: ActorName, p: People, w: World): { caller: Caller; actorId: string | null } {
  if (name === 'anonymous') return { caller: {}, actorId: null };
  if (name === 'outsider') return { caller: { cookie: p.outsider.cookie }, actorId: p.outsider.userId };
  if (name === 'platform-admin') return { caller: { cookie: p.platformAdmin.cookie }, actorId: p.platformAdmin.userId };
  const facts = factsOf(name);
  const role = facts.roleInA as Role;
  if (facts.kind === 'token') return { caller: { token: w.tokens[role].secret }, actorId: w.tokens[role].id };
  return { caller: { cookie: p[role].cookie }, actorId: p[role].userId };
}

/** The email a user actor signs in with; tokens and anonymous callers have none. */
export function emailOf(name: ActorName, p: People): string | undefined {
  if (name === 'outsider') return p.outsider.email;
  if (name === 'platform-admin') return p.platformAdmin.email;
  const facts = factsOf(name);
  return facts.kind === 'user' && facts.roleInA ? p[facts.roleInA].email : undefined;
}

export async function askToJoin(h: Harness, tenantId: string, who: SignedUp) {
  return expectJson(h, JoinRequest, 'POST', `/api/v1/tenants/${tenantId}/join-requests`, 201, { cookie: who.cookie, body: { message: 'let me in' } });
}
