import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

describe('the spine, end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('signs up, creates a tenant, invites, accepts and lists members', async () => {
    const alice = await h.signUp('alice@example.com');
    const bob = await h.signUp('bob@example.com');
    const t = await h.json<{ id: string; role: string }>('POST', '/api/v1/tenants', 201, { cookie: alice.cookie, body: { name: 'Acme', slug: 'acme' } });
    expect(t.role).toBe('owner');
    const inv = await h.json<{ id: string }>('POST', '/api/v1/tenants/acme/invitations', 201, { cookie: alice.cookie, body: { email: 'bob@example.com', role: 'operator' } });
    await h.json('POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: bob.cookie });
    const members = await h.json<{ items: { email: string; role: string }[] }>('GET', `/api/v1/tenants/${t.id}/members`, 200, { cookie: bob.cookie });
    expect(members.items.map((m) => [m.email, m.role])).toEqual([
      ['alice@example.com', 'owner'],
      ['bob@example.com', 'operator'],
    ]);
    const verify = await h.json<{ ok: boolean; count: number }>('GET', '/api/v1/tenants/acme/audit/verify', 200, { cookie: alice.cookie });
    expect(verify).toMatchObject({ ok: true, count: 3 });
  });
});
