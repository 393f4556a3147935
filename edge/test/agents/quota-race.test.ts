import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** With a quota of N agent services, 50 concurrent creates admit exactly N, in repeated trials. */
describe('quota admission under concurrency', () => {
  let h: Harness;
  let admin: Caller;
  let owner: Caller;

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.setupAdmin();
    owner = await h.signUp('quota-owner@example.com');
    await h.json('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
  });
  afterAll(() => h.close());

  for (const [trial, n] of [
    [1, 3],
    [2, 7],
    [3, 1],
  ] as const) {
    it(`admits exactly ${n} of 50 concurrent creates (trial ${trial})`, async () => {
      const slug = `quota-race-${trial}`;
      await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: `Race ${trial}`, slug } });
      await h.json('PUT', `/api/v1/tenants/${slug}/quota`, 200, {
        cookie: admin.cookie,
        body: { maxAgentServices: n, maxTotalReplicas: 1000, maxCpuCores: 1000, maxMemoryMb: 1_000_000 },
      });
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          h.call('POST', `/api/v1/tenants/${slug}/agents`, { cookie: owner.cookie, body: { name: `svc-${i}`, image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } } }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(n);
      const refused = await Promise.all(responses.filter((r) => r.status !== 202).map((r) => r.json() as Promise<{ error: { code: string; details: { limit: string } } }>));
      expect(refused).toHaveLength(50 - n);
      for (const body of refused) expect(body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 'maxAgentServices' } });
      const list = await h.json<{ total: number }>('GET', `/api/v1/tenants/${slug}/agents`, 200, { cookie: owner.cookie });
      expect(list.total).toBe(n);
      const usage = await h.json<{ used: { agentServices: number } }>('GET', `/api/v1/tenants/${slug}/usage`, 200, { cookie: owner.cookie });
      expect(usage.used.agentServices).toBe(n);
    });
  }

  it('admits exactly N when the creates are split across two app instances on one database', async () => {
    const other = await createHarness({}, undefined, { sameDatabaseAs: h });
    try {
      const slug = 'quota-race-two-edges';
      const n = 4;
      await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Two edges', slug } });
      await h.json('PUT', `/api/v1/tenants/${slug}/quota`, 200, { cookie: admin.cookie, body: { maxAgentServices: n, maxTotalReplicas: 1000, maxCpuCores: 1000, maxMemoryMb: 1_000_000 } });
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? other : h).call('POST', `/api/v1/tenants/${slug}/agents`, { cookie: owner.cookie, body: { name: `svc-${i}`, image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } } }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 202)).toHaveLength(n);
      expect(statuses.filter((s) => s !== 202).every((s) => s === 409 || s === 503)).toBe(true);
      const list = await h.json<{ total: number }>('GET', `/api/v1/tenants/${slug}/agents`, 200, { cookie: owner.cookie });
      expect(list.total).toBe(n);
      expect(await h.json('GET', `/api/v1/tenants/${slug}/audit/verify`, 200, { cookie: owner.cookie })).toMatchObject({ ok: true });
    } finally {
      other.close();
    }
  });

  it('names the replica, CPU and memory limits on create, scale and update', async () => {
    const slug = 'quota-kinds';
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Kinds', slug } });
    await h.json('PUT', `/api/v1/tenants/${slug}/quota`, 200, { cookie: admin.cookie, body: { maxAgentServices: 10, maxTotalReplicas: 4, maxCpuCores: 1, maxMemoryMb: 512 } });
    const create = (body: Record<string, unknown>) => h.call('POST', `/api/v1/tenants/${slug}/agents`, { cookie: owner.cookie, body: { image: 'berth-test/busybox:1', ...body } });
    const code = async (res: Response) => ((await res.json()) as { error?: { details?: { limit?: string } } }).error?.details?.limit;

    expect(await code(await create({ name: 'many', replicas: 5, limits: { cpu: 0.1, memoryMb: 16 } }))).toBe('maxTotalReplicas');
    expect(await code(await create({ name: 'hungry', replicas: 1, limits: { cpu: 2, memoryMb: 16 } }))).toBe('maxCpuCores');
    expect(await code(await create({ name: 'big', replicas: 1, limits: { cpu: 0.1, memoryMb: 1024 } }))).toBe('maxMemoryMb');

    const ok = await create({ name: 'fits', replicas: 2, limits: { cpu: 0.25, memoryMb: 128 } });
    expect(ok.status).toBe(202);
    const scale = await h.call('POST', `/api/v1/tenants/${slug}/agents/fits/scale`, { cookie: owner.cookie, body: { replicas: 5 } });
    expect(scale.status).toBe(409);
    expect(await code(scale)).toBe('maxTotalReplicas');
    const update = await h.call('PATCH', `/api/v1/tenants/${slug}/agents/fits`, { cookie: owner.cookie, body: { limits: { cpu: 0.25, memoryMb: 300 } } });
    expect(update.status).toBe(409);
    expect(await code(update)).toBe('maxMemoryMb');
    const details = await h.json<{ replicas: number; spec: { limits: { memoryMb: number } } }>('GET', `/api/v1/tenants/${slug}/agents/fits`, 200, { cookie: owner.cookie });
    expect(details).toMatchObject({ replicas: 2, spec: { limits: { memoryMb: 128 } } });
  });
});
