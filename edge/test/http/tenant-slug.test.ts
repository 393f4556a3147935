import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { tenant } from '@berth/db';
import { createHarness, type Harness } from '../support/harness.ts';

describe('tenant slugs and the :tenant reference', () => {
  let h: Harness;
  let cookie: string | undefined;
  let victim: { id: string; slug: string };
  let mine: { id: string; slug: string };
  beforeAll(async () => {
    h = await createHarness();
    const owner = await h.signUp('victim@berth.test');
    victim = await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Victim', slug: 'victim' } });
    ({ cookie } = await h.signUp('mallory@berth.test'));
    mine = await h.json('POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Mine', slug: 'mine' } });
  });
  afterAll(() => h.close());

  it("refuses a new tenant whose slug is another tenant's id, or any id-shaped slug", async () => {
    for (const slug of [victim.id, '0f9e8d7c-6b5a-4321-8fed-cba987654321']) {
      const res = await h.call('POST', '/api/v1/tenants', { cookie, body: { name: 'Shadow', slug } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'slug' }] } });
    }
  });

  it('refuses renaming a slug to an id shape', async () => {
    const res = await h.call('PATCH', `/api/v1/tenants/${mine.id}`, { cookie, body: { slug: victim.id } });
    expect(res.status).toBe(400);
    expect((await h.json<{ slug: string }>('GET', `/api/v1/tenants/${mine.id}`, 200, { cookie })).slug).toBe('mine');
  });

  it('reads an id-shaped reference as an id only, even if an old row has such a slug', async () => {
    // A slug stored before the rule existed, equal to the victim's id.
    await h.db.update(tenant).set({ slug: victim.id }).where(eq(tenant.id, mine.id));
    const res = await h.call('GET', `/api/v1/tenants/${victim.id}`, { cookie });
    // The victim's tenant, which Mallory cannot see: 404, not her own tenant answering in its place.
    expect(res.status).toBe(404);
    expect((await h.json<{ id: string }>('GET', `/api/v1/tenants/${mine.id}`, 200, { cookie })).id).toBe(mine.id);
    await h.db.update(tenant).set({ slug: 'mine' }).where(eq(tenant.id, mine.id));
    expect((await h.json<{ id: string }>('GET', '/api/v1/tenants/mine', 200, { cookie })).id).toBe(mine.id);
  });
});
