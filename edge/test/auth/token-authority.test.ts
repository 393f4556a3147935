import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';
import { addMember, createTenant, mintToken } from '../support/tenant-members.ts';

type User = Awaited<ReturnType<Harness['signUp']>>;
type ErrorBody = { error: { code: string } };

/** Tokens hold no authority of their own: they act with what their creator holds in the tenant now. */
describe('API tokens bounded by their creator', () => {
  let h: Harness;
  let platformAdmin: User;
  let owner: User;
  let n = 0;

  beforeAll(async () => {
    h = await createHarness();
    platformAdmin = await h.setupAdmin();
    owner = await h.signUp('token-owner@example.com');
  });
  afterAll(() => h.close());

  /** A tenant where a fresh user (the creator) holds `role` and has minted a token of `tokenRole`. */
  async function world(role: Role, tokenRole: Role) {
    const slug = await createTenant(h, owner, 'tok');
    const creator = await h.signUp(`creator-${++n}@example.com`);
    await addMember(h, owner, slug, creator, role);
    const token = await mintToken(h, creator, slug, tokenRole);
    return { slug, creator, token: token.token };
  }

  /** The highest role the token acts with, read from what the gate lets it do; null when refused outright. */
  async function actsAs(slug: string, token: string): Promise<Role | null> {
    const read = await h.call('GET', `/api/v1/tenants/${slug}`, { token });
    if (read.status === 401) return null;
    expect(read.status).toBe(200);
    if ((await h.call('GET', `/api/v1/tenants/${slug}/tokens`, { token })).status === 200) {
      // Admins may invite an admin; only owners may invite an owner.
      const owners = await h.call('POST', `/api/v1/tenants/${slug}/invitations`, { token, body: { email: `probe-${++n}@example.com`, role: 'owner' } });
      return owners.status === 201 ? 'owner' : 'admin';
    }
    // An empty body: past the gate (operator) it fails validation, below it the gate answers 403.
    const create = await h.call('POST', `/api/v1/tenants/${slug}/agents`, { token, body: {} });
    expect([400, 403]).toContain(create.status);
    return create.status === 400 ? 'operator' : 'viewer';
  }

  const setRole = (slug: string, user: User, role: Role) => h.json('PATCH', `/api/v1/tenants/${slug}/members/${user.userId}`, 200, { cookie: owner.cookie, body: { role } });

  it('acts with the lower of its own role and its creator’s current one', async () => {
    const { slug, creator, token } = await world('admin', 'admin');
    expect(await actsAs(slug, token)).toBe('admin');
    await setRole(slug, creator, 'viewer');
    expect(await actsAs(slug, token)).toBe('viewer');
    const invite = await h.json<ErrorBody>('POST', `/api/v1/tenants/${slug}/invitations`, 403, { token, body: { email: 'x@example.com', role: 'viewer' } });
    expect(invite.error.code).toBe('FORBIDDEN');
    await setRole(slug, creator, 'operator');
    expect(await actsAs(slug, token)).toBe('operator');
    // A creator promoted above the token does not lift the token above its own role.
    await setRole(slug, creator, 'owner');
    expect(await actsAs(slug, token)).toBe('admin');
  });

  it('stops working when its creator is removed, so a removed admin cannot re-invite themself with it', async () => {
    const { slug, creator, token } = await world('admin', 'admin');
    const invitations = () => h.json<{ items: { id: string }[] }>('GET', `/api/v1/tenants/${slug}/invitations`, 200, { cookie: owner.cookie });
    const before = await invitations();
    await h.json('DELETE', `/api/v1/tenants/${slug}/members/${creator.userId}`, 200, { cookie: owner.cookie });
    const read = await h.json<ErrorBody>('GET', `/api/v1/tenants/${slug}`, 401, { token });
    expect(read.error.code).toBe('UNAUTHENTICATED');
    const reinvite = await h.json<ErrorBody>('POST', `/api/v1/tenants/${slug}/invitations`, 401, { token, body: { email: creator.email, role: 'admin' } });
    expect(reinvite.error.code).toBe('UNAUTHENTICATED');
    expect(await invitations()).toEqual(before);
    const mine = await h.json<{ items: unknown[] }>('GET', '/api/v1/invitations', 200, { cookie: creator.cookie });
    expect(mine.items).toEqual([]);
  });

  it('comes back with no more than the role its re-added creator holds', async () => {
    const { slug, creator, token } = await world('admin', 'admin');
    await h.json('DELETE', `/api/v1/tenants/${slug}/members/${creator.userId}`, 200, { cookie: owner.cookie });
    expect(await actsAs(slug, token)).toBeNull();
    await addMember(h, owner, slug, creator, 'viewer');
    expect(await actsAs(slug, token)).toBe('viewer');
  });

  it('stops working while its creator is deactivated and comes back no higher than their tenant role', async () => {
    const { slug, creator, token } = await world('admin', 'admin');
    await setRole(slug, creator, 'operator');
    await h.json('POST', `/api/v1/admin/users/${creator.userId}/deactivate`, 200, { cookie: platformAdmin.cookie });
    const refused = await h.json<ErrorBody>('GET', `/api/v1/tenants/${slug}`, 401, { token });
    expect(refused.error.code).toBe('UNAUTHENTICATED');
    await h.json('POST', `/api/v1/admin/users/${creator.userId}/reactivate`, 200, { cookie: platformAdmin.cookie });
    expect(await actsAs(slug, token)).toBe('operator');
  });

  it('gives a platform administrator’s token no more than their role in the tenant', async () => {
    const slug = await createTenant(h, owner, 'tok-pa');
    await addMember(h, owner, slug, platformAdmin, 'admin');
    const { token } = await mintToken(h, platformAdmin, slug, 'admin');
    expect(await actsAs(slug, token)).toBe('admin');
    await setRole(slug, platformAdmin, 'viewer');
    expect(await actsAs(slug, token)).toBe('viewer');
    await h.json('DELETE', `/api/v1/tenants/${slug}/members/${platformAdmin.userId}`, 200, { cookie: owner.cookie });
    expect(await actsAs(slug, token)).toBeNull();
  });

  it('keeps working for a creator who keeps their role', async () => {
    const { slug, token } = await world('admin', 'operator');
    expect(await actsAs(slug, token)).toBe('operator');
    await h.json('GET', `/api/v1/tenants/${slug}/members`, 200, { token });
  });
});
