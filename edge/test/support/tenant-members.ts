import type { Role } from '@berth/protocol';
import type { Caller, Harness } from './harness.ts';

type User = Caller & { userId: string; email: string };

/** A fresh tenant owned by `owner`; answers its slug. */
export async function createTenant(h: Harness, owner: Caller, prefix: string): Promise<string> {
  const slug = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } });
  return slug;
}

/** `user` joins the tenant with `role` the way people do: `by` invites, `user` accepts. */
export async function addMember(h: Harness, by: Caller, slug: string, user: User, role: Role): Promise<void> {
  const inv = await h.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/invitations`, 201, { cookie: by.cookie, body: { email: user.email, role } });
  await h.json('POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: user.cookie });
}

/** An API token of the tenant minted by `creator` (signed in). */
export async function mintToken(h: Harness, creator: Caller, slug: string, role: Role): Promise<{ id: string; token: string }> {
  return h.json('POST', `/api/v1/tenants/${slug}/tokens`, 201, { cookie: creator.cookie, body: { name: `t-${role}`, role } });
}
