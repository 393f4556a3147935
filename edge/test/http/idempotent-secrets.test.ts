import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterJoin, CreatedApiToken } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';

const storedBodies = async (h: Harness) => (await h.client.execute('SELECT body FROM idempotency_record')).rows.map((r) => String(r.body)).join('\n');

describe('an idempotent retry of a request that minted a one-time secret', () => {
  let h: Harness;
  let cookie: string | undefined;
  let tenantId: string;
  beforeAll(async () => {
    h = await createHarness();
    ({ cookie } = await h.setupAdmin());
    ({ id: tenantId } = await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Acme', slug: 'acme' } }));
  });
  afterAll(() => h.close());

  const twice = async (path: string, body: unknown, key: string) => {
    const first = await h.call('POST', path, { cookie, body, headers: { 'idempotency-key': key } });
    const firstText = await first.text();
    const again = await h.call('POST', path, { cookie, body, headers: { 'idempotency-key': key } });
    return { first, firstText, again, againText: await again.text() };
  };

  const expectWithheld = async (r: Awaited<ReturnType<typeof twice>>, secret: string) => {
    expect(r.first.status).toBe(201);
    expect(r.again.status).toBe(409);
    expect(JSON.parse(r.againText)).toMatchObject({ error: { code: 'SECRET_ALREADY_SHOWN', details: { status: 201 } } });
    expect(r.againText).not.toContain(secret);
    expect(await storedBodies(h)).not.toContain(secret);
  };

  it('does not repeat an API token, and mints no second one', async () => {
    const r = await twice(`/api/v1/tenants/${tenantId}/tokens`, { name: 'ci', role: 'viewer' }, 'token-1');
    const { token } = CreatedApiToken.parse(JSON.parse(r.firstText));
    await expectWithheld(r, token);
    const list = await h.json<{ items: unknown[] }>('GET', `/api/v1/tenants/${tenantId}/tokens`, 200, { cookie });
    expect(list.items).toHaveLength(1);
  });

  it('does not repeat the join token of a new cluster or of a new join token', async () => {
    const created = await twice('/api/v1/clusters', { name: 'shared' }, 'cluster-1');
    const { cluster, joinToken } = ClusterJoin.parse(JSON.parse(created.firstText));
    await expectWithheld(created, joinToken);

    const issued = await twice(`/api/v1/clusters/${cluster.id}/join-tokens`, {}, 'join-1');
    await expectWithheld(issued, ClusterJoin.parse(JSON.parse(issued.firstText)).joinToken);

    const own = await twice(`/api/v1/tenants/${tenantId}/clusters`, { name: 'own' }, 'own-1');
    await expectWithheld(own, ClusterJoin.parse(JSON.parse(own.firstText)).joinToken);
  });

  it('still replays an answer that holds no secret', async () => {
    const r = await twice('/api/v1/tenants', { name: 'Beta', slug: 'beta' }, 'tenant-1');
    expect(r.again.status).toBe(201);
    expect(r.again.headers.get('idempotent-replayed')).toBe('true');
    expect(r.againText).toBe(r.firstText);
  });
});
