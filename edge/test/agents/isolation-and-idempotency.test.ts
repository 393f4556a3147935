import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

describe('agent services between tenants', () => {
  let h: Harness;
  let alice: Caller;
  let bob: Caller;
  let aliceServiceId: string;

  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.setupAdmin();
    await h.json('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
    alice = await h.signUp('alice-agents@example.com');
    bob = await h.signUp('bob-agents@example.com');
    await h.json('POST', '/api/v1/tenants', 201, { cookie: alice.cookie, body: { name: 'A', slug: 'tenant-a' } });
    await h.json('POST', '/api/v1/tenants', 201, { cookie: bob.cookie, body: { name: 'B', slug: 'tenant-b' } });
    aliceServiceId = (await h.json<{ id: string }>('POST', '/api/v1/tenants/tenant-a/agents', 202, { cookie: alice.cookie, body: { name: 'gateway', image: 'berth-test/busybox:1' } })).id;
  });
  afterAll(() => h.close());

  it("answers 404 for every route on another tenant's agent service, by id and by name, and queues nothing", async () => {
    const before = await h.client.execute('SELECT count(*) AS n FROM command');
    for (const ref of [aliceServiceId, 'gateway']) {
      for (const tenant of ['tenant-a', 'tenant-b']) {
        const calls: [string, string, unknown?][] = [
          ['GET', `/api/v1/tenants/${tenant}/agents/${ref}`],
          ['PATCH', `/api/v1/tenants/${tenant}/agents/${ref}`, { replicas: 3 }],
          ['POST', `/api/v1/tenants/${tenant}/agents/${ref}/scale`, { replicas: 5 }],
          ['POST', `/api/v1/tenants/${tenant}/agents/${ref}/restart`],
          ['POST', `/api/v1/tenants/${tenant}/agents/${ref}/stop`],
          ['POST', `/api/v1/tenants/${tenant}/agents/${ref}/start`],
          ['DELETE', `/api/v1/tenants/${tenant}/agents/${ref}`],
          ['GET', `/api/v1/tenants/${tenant}/agents/${ref}/logs?tail=10`],
        ];
        for (const [method, path, body] of calls) {
          const res = await h.call(method, path, { cookie: bob.cookie, ...(body === undefined ? {} : { body }) });
          expect(res.status, `${method} ${path}`).toBe(404);
        }
      }
    }
    expect((await h.call('GET', '/api/v1/tenants/tenant-a/events', { cookie: bob.cookie })).status).toBe(404);
    const list = await h.json<{ items: { id: string }[] }>('GET', '/api/v1/tenants/tenant-b/agents', 200, { cookie: bob.cookie });
    expect(list.items).toEqual([]);
    const after = await h.client.execute('SELECT count(*) AS n FROM command');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('lets a viewer read but not change, and keeps logs for operators', async () => {
    const inv = await h.json<{ id: string }>('POST', '/api/v1/tenants/tenant-a/invitations', 201, { cookie: alice.cookie, body: { email: 'bob-agents@example.com', role: 'viewer' } });
    await h.json('POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: bob.cookie });
    expect((await h.call('GET', '/api/v1/tenants/tenant-a/agents/gateway', { cookie: bob.cookie })).status).toBe(200);
    expect((await h.call('POST', '/api/v1/tenants/tenant-a/agents/gateway/restart', { cookie: bob.cookie })).status).toBe(403);
    expect((await h.call('GET', '/api/v1/tenants/tenant-a/agents/gateway/logs', { cookie: bob.cookie })).status).toBe(403);
  });
});

describe('Idempotency-Key', () => {
  let h: Harness;
  let owner: Caller;

  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.setupAdmin();
    await h.json('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
    owner = await h.signUp('idem@example.com');
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Idem', slug: 'idem' } });
  });
  afterAll(() => h.close());

  it('replays the first answer for a retried create instead of creating twice', async () => {
    const body = { name: 'once', image: 'berth-test/busybox:1' };
    const headers = { 'idempotency-key': 'create-once-1' };
    const first = await h.call('POST', '/api/v1/tenants/idem/agents', { cookie: owner.cookie, body, headers });
    const second = await h.call('POST', '/api/v1/tenants/idem/agents', { cookie: owner.cookie, body, headers });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    const list = await h.json<{ total: number }>('GET', '/api/v1/tenants/idem/agents', 200, { cookie: owner.cookie });
    expect(list.total).toBe(1);
    const audit = await h.json<{ items: { action: string }[] }>('GET', '/api/v1/tenants/idem/audit?action=agent-service.create', 200, { cookie: owner.cookie });
    expect(audit.items).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    const headers = { 'idempotency-key': 'create-twice-2' };
    await h.json('POST', '/api/v1/tenants/idem/agents', 202, { cookie: owner.cookie, body: { name: 'first', image: 'berth-test/busybox:1' }, headers });
    const res = await h.call('POST', '/api/v1/tenants/idem/agents', { cookie: owner.cookie, body: { name: 'second', image: 'berth-test/busybox:1' }, headers });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps keys per caller: another user with the same key is not answered from it', async () => {
    const other = await h.signUp('idem-other@example.com');
    await h.json('POST', '/api/v1/tenants', 201, { cookie: other.cookie, body: { name: 'Other', slug: 'idem-other' } });
    const headers = { 'idempotency-key': 'shared-key-3' };
    await h.json('POST', '/api/v1/tenants/idem/agents/first/scale', 202, { cookie: owner.cookie, body: { replicas: 2 }, headers });
    const res = await h.call('POST', '/api/v1/tenants/idem/agents/first/scale', { cookie: other.cookie, body: { replicas: 2 }, headers });
    expect(res.status).toBe(404);
  });
});
