import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Usage, UsageHistory, type ErrorEnvelope } from '@berth/protocol';
import type { z } from 'zod';
import { createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';
import { FakeAgent } from '../agents/fake-agent.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Usage history through the real API, the real agent channel (a protocol-level agent reports
 * running tasks) and a real libSQL file. The edge's clock is frozen and moved by hand once the
 * agent's hello is accepted (hellos are checked against the clock; later frames are not).
 */
describe('usage history', () => {
  let h: Harness;
  let owner: Caller;
  let outsider: Caller;
  let frozen: number | undefined;
  let days = 0;

  beforeAll(async () => {
    h = await createHarness({}, { now: () => new Date(frozen ?? Date.now()) });
    await h.setupAdmin();
    [owner, outsider] = await Promise.all([h.signUp('usage-owner@example.com'), h.signUp('usage-outsider@example.com')]);
  });
  afterAll(() => h.close());

  /** A tenant with its own cluster and a connected agent; the clock is then frozen at midnight UTC of a day no other test uses. */
  async function freshTenant(prefix: string) {
    frozen = undefined;
    const slug = `${prefix}-${++days}`;
    const tenantId = (await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } })).id;
    const created = await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, created.joinToken);
    await agent.connect();
    const midnight = Math.ceil(Date.now() / DAY) * DAY + days * DAY;
    const at = (hh: number, mm = 0) => {
      frozen = midnight + hh * HOUR + mm * MIN;
    };
    const iso = (hh: number, mm = 0) => new Date(midnight + hh * HOUR + mm * MIN).toISOString();
    const running = async (svc: { id: string }, n: number, status: 'running' | 'stopped' | 'removed' = 'running') => {
      const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, state: 'running', desiredState: 'running' }));
      await agent.report([{ type: 'service.status', tenantId, agentServiceId: svc.id, status, tasks, at: frozen ?? Date.now() }]);
    };
    const create = (name: string, replicas: number, limits = { cpu: 0.5, memoryMb: 128 }) =>
      h.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name, image: 'berth-test/busybox:1', replicas, limits } });
    const history = (query: string, caller: Caller = owner) => expectJson(h, UsageHistory, 'GET', `/api/v1/tenants/${slug}/usage/history?${query}`, 200, { cookie: caller.cookie });
    return { slug, tenantId, agent, at, iso, running, create, history };
  }

  const rounded = (buckets: z.infer<typeof UsageHistory>['buckets']) => buckets.map((b) => ({ start: b.start, replicaSeconds: Math.round(b.replicaSeconds * 1000) / 1000, peak: b.peak }));

  it('integrates running replicas across bucket boundaries through scale up and down, stop and start, and a removed service', async () => {
    const t = await freshTenant('usage-life');
    t.at(10);
    const a = await t.create('a', 2);
    t.at(10, 10);
    await t.running(a, 2);
    t.at(10, 50);
    await h.json('POST', `/api/v1/tenants/${t.slug}/agents/a/scale`, 202, { cookie: owner.cookie, body: { replicas: 4 } });
    t.at(11, 20);
    await t.running(a, 4);
    t.at(11, 30);
    await h.json('POST', `/api/v1/tenants/${t.slug}/agents/a/stop`, 202, { cookie: owner.cookie });
    await t.running(a, 0, 'stopped');
    t.at(12);
    await h.json('POST', `/api/v1/tenants/${t.slug}/agents/a/start`, 202, { cookie: owner.cookie });
    t.at(12, 15);
    await t.running(a, 4);
    t.at(12, 30);
    const b = await t.create('b', 1, { cpu: 0.25, memoryMb: 64 });
    await t.running(b, 1);
    t.at(12, 45);
    await h.json('DELETE', `/api/v1/tenants/${t.slug}/agents/b`, 202, { cookie: owner.cookie });
    await t.running(b, 0, 'removed');
    t.at(13, 20);

    const got = await t.history(`from=${t.iso(10)}&to=${t.iso(13, 20)}&bucket=hour`);
    expect(got).toMatchObject({ from: t.iso(10), to: t.iso(14), bucketSeconds: 3600, at: t.iso(13, 20) });
    const peak = (runningReplicas: number, totalReplicas: number, cpuCores: number, memoryMb: number, agentServices: number) => ({ runningReplicas, totalReplicas, cpuCores, memoryMb, agentServices });
    expect(rounded(got.buckets)).toEqual([
      // 10:10–11:00 two running; desired 2 → 4 at 10:50
      { start: t.iso(10), replicaSeconds: 2 * 50 * 60, peak: peak(2, 4, 2, 512, 1) },
      // 11:00–11:20 two, 11:20–11:30 four, then stopped
      { start: t.iso(11), replicaSeconds: 2 * 20 * 60 + 4 * 10 * 60, peak: peak(4, 4, 2, 512, 1) },
      // a: four from 12:15; b: one from 12:30 until removed at 12:45
      { start: t.iso(12), replicaSeconds: 4 * 45 * 60 + 1 * 15 * 60, peak: peak(5, 5, 2.25, 576, 2) },
      // the current bucket counts up to now (13:20) only
      { start: t.iso(13), replicaSeconds: 4 * 20 * 60, peak: peak(4, 4, 2, 512, 1) },
    ]);

    // Over the tenant's whole life the buckets add up to the cumulative total of /usage.
    const usage = await expectJson(h, Usage, 'GET', `/api/v1/tenants/${t.slug}/usage`, 200, { cookie: owner.cookie });
    expect(got.buckets.reduce((sum, bucket) => sum + bucket.replicaSeconds, 0)).toBeCloseTo(usage.replicaSeconds, 6);

    // A change exactly at a boundary belongs to the later bucket only; custom sizes in seconds.
    const fine = await t.history(`from=${t.iso(11, 10)}&to=${t.iso(11, 40)}&bucket=600`);
    expect(rounded(fine.buckets)).toEqual([
      { start: t.iso(11, 10), replicaSeconds: 2 * 600, peak: peak(2, 4, 2, 512, 1) },
      { start: t.iso(11, 20), replicaSeconds: 4 * 600, peak: peak(4, 4, 2, 512, 1) },
      { start: t.iso(11, 30), replicaSeconds: 0, peak: peak(0, 0, 0, 0, 1) },
    ]);
  });

  it('carries a quiet tenant’s last step from before the range', async () => {
    const t = await freshTenant('usage-quiet');
    t.at(8);
    const svc = await t.create('steady', 3, { cpu: 0.1, memoryMb: 32 });
    t.at(8, 30);
    await t.running(svc, 3);
    t.at(3 * 24 + 5, 30); // three days without a change
    const got = await t.history(`from=${t.iso(3 * 24 + 2)}&bucket=hour`);
    expect(got.buckets.map((b) => b.start)).toEqual([2, 3, 4, 5].map((hh) => t.iso(3 * 24 + hh)));
    expect(got.buckets.map((b) => b.replicaSeconds)).toEqual([3 * 3600, 3 * 3600, 3 * 3600, 3 * 1800]);
    for (const b of got.buckets) expect(b.peak).toEqual({ runningReplicas: 3, totalReplicas: 3, cpuCores: 0.3, memoryMb: 96, agentServices: 1 });
    const daily = await t.history(`from=${t.iso(0)}&bucket=day`);
    expect(daily.buckets.map((b) => b.replicaSeconds)).toEqual([3 * 15.5 * 3600, 3 * 24 * 3600, 3 * 24 * 3600, 3 * 5.5 * 3600]);
  });

  it('defaults to the last 24 hours in hourly buckets, with the tenant’s quota for the reference line', async () => {
    const t = await freshTenant('usage-default');
    t.at(30, 15);
    const got = await t.history('');
    expect(got.bucketSeconds).toBe(3600);
    expect(got.buckets).toHaveLength(25);
    expect(got.from).toBe(t.iso(6));
    expect(got.to).toBe(t.iso(31));
    expect(got.quota).toEqual((await h.json('GET', `/api/v1/tenants/${t.slug}/quota`, 200, { cookie: owner.cookie })) as object);
    expect(got.buckets.every((b) => b.replicaSeconds === 0 && b.peak.totalReplicas === 0)).toBe(true);
    // A `to` in the future reads as now.
    const later = await t.history(`from=${t.iso(30)}&to=${t.iso(40)}&bucket=minute`);
    expect(later.buckets).toHaveLength(15);
  });

  it('refuses bad ranges and buckets with VALIDATION_FAILED naming the field', async () => {
    const t = await freshTenant('usage-invalid');
    t.at(12);
    const cases: [string, string][] = [
      ['bucket=30', 'bucket'],
      ['bucket=week', 'bucket'],
      ['from=yesterday', 'from'],
      [`from=${t.iso(11)}&to=${t.iso(10)}`, 'to'],
      [`from=${t.iso(13)}`, 'from'],
      [`from=${t.iso(12 - 36 * 24)}&bucket=day`, 'from'],
      [`from=${t.iso(0)}&bucket=minute`, 'bucket'],
      ['limit=5', '(root)'],
    ];
    for (const [query, path] of cases) {
      const res = await h.call('GET', `/api/v1/tenants/${t.slug}/usage/history?${query}`, { cookie: owner.cookie });
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as ErrorEnvelope;
      expect(body.error.code, query).toBe('VALIDATION_FAILED');
      expect(body.error.details, query).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    // 500 buckets is the limit, not past it.
    await t.history(`from=${new Date(Date.parse(t.iso(12)) - 500 * 60_000).toISOString()}&bucket=minute`);
  });

  it('shows a tenant only its own usage, and another tenant’s history is a 404', async () => {
    const mine = await freshTenant('usage-mine');
    const theirs = await freshTenant('usage-theirs');
    theirs.at(9);
    const svc = await theirs.create('busy', 5);
    await theirs.running(svc, 5);
    theirs.at(10);
    const res = await h.call('GET', `/api/v1/tenants/${theirs.slug}/usage/history`, { cookie: outsider.cookie });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorEnvelope).error.code).toBe('NOT_FOUND');
    const byId = await h.call('GET', `/api/v1/tenants/${theirs.tenantId}/usage/history`, { cookie: outsider.cookie });
    expect(byId.status).toBe(404);
    const anonymous = await h.call('GET', `/api/v1/tenants/${theirs.slug}/usage/history`);
    expect(anonymous.status).toBe(401);
    const own = await mine.history(`from=${theirs.iso(8)}&bucket=hour`);
    expect(own.buckets.every((b) => b.replicaSeconds === 0 && b.peak.runningReplicas === 0)).toBe(true);
    const busy = await theirs.history(`from=${theirs.iso(9)}&bucket=hour`);
    expect(busy.buckets[0]).toMatchObject({ replicaSeconds: 5 * 3600, peak: { runningReplicas: 5, totalReplicas: 5 } });
  });
});
