import { eq } from 'drizzle-orm';
import { agentService, agentServiceEvent, cluster, tenant, usageSample } from '@berth/db';
import { createTestDb, type TestDb } from '@berth/db/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitBatch, IllegalTransition, statusBatch, transition, type Row } from './transition.ts';

const AT = new Date('2026-01-01T00:00:00Z');
let t: TestDb;

beforeEach(async () => {
  t = await createTestDb();
  await t.db.insert(tenant).values({ id: 't1', slug: 't1', name: 'T1', createdBy: 'u', createdAt: AT, updatedAt: AT });
  await t.db.insert(cluster).values({ id: 'c1', name: 'c1', ownerTenantId: 't1', allowedRegistries: [], createdBy: 'u', createdAt: AT });
});
afterEach(() => t.close());

const fresh = { id: 's1', tenantId: 't1', clusterId: 'c1', name: 'web', spec: '{}', specHash: 'h', replicas: 2, rememberedReplicas: 2, cpuMillis: 500, memoryMb: 256, tasks: '[]', observedAt: null, runningReplicas: 0, replicaSeconds: 0, accountedAt: AT, createdBy: 'u', createdAt: AT, updatedAt: AT };

async function created(): Promise<Row> {
  const batch = statusBatch(t.db, AT);
  const row = transition(batch, { create: fresh }, { event: 'create', reason: null });
  await commitBatch(batch);
  return row;
}
const history = () => t.db.select().from(agentServiceEvent).all();
const samples = () => t.db.select().from(usageSample).all();

describe('transition()', () => {
  it('creates a service pending with a history row, a usage sample and a stream event', async () => {
    const batch = statusBatch(t.db, AT);
    transition(batch, { create: fresh }, { event: 'create', reason: null });
    await commitBatch(batch);
    expect((await t.db.select().from(agentService).get())?.status).toBe('pending');
    expect((await history()).map((e) => e.status)).toEqual(['pending']);
    expect(await samples()).toHaveLength(1);
    expect(batch.stream).toEqual([{ tenantId: 't1', event: { agentServiceId: 's1', name: 'web', status: 'pending', reason: null, at: AT.toISOString() } }]);
  });

  it('writes no history row on an update, as before, but tells the stream', async () => {
    const row = await created();
    const batch = statusBatch(t.db, AT);
    transition(batch, row, { event: 'update', replicas: 2, reason: null });
    await commitBatch(batch);
    expect((await history()).map((e) => e.status)).toEqual(['pending']);
    expect(batch.stream.map((s) => s.event.status)).toEqual(['deploying']);
  });

  it('ignores an agent report about a removed service and writes nothing', async () => {
    const row = { ...(await created()), status: 'removed' as const };
    await t.db.update(agentService).set({ status: 'removed' }).where(eq(agentService.id, row.id));
    const batch = statusBatch(t.db, AT);
    expect(transition(batch, row, { event: 'observed', observed: 'running', reason: null })).toBeUndefined();
    expect(batch.writes).toHaveLength(0);
  });

  it('refuses a scale of a service being removed with IllegalTransition (409 CONFLICT)', async () => {
    const row = { ...(await created()), status: 'removing' as const };
    const refused = (() => {
      try {
        transition(statusBatch(t.db, AT), row, { event: 'scale', replicas: 3, reason: null });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(IllegalTransition);
    expect(refused).toMatchObject({ status: 409, code: 'CONFLICT', from: 'removing', event: 'scale' });
  });

  it('notes drift in history and on the stream without writing the status', async () => {
    const row = await created();
    const batch = statusBatch(t.db, AT);
    transition(batch, row, { event: 'drift', reason: 'reconcile: repaired' });
    await commitBatch(batch);
    expect((await history()).map((e) => [e.status, e.reason])).toEqual([
      ['pending', null],
      ['pending', 'reconcile: repaired'],
    ]);
    expect(batch.writes).toHaveLength(1);
    expect(await samples()).toHaveLength(1);
  });

  it('samples usage once per tenant per batch, after the status writes', async () => {
    const row = await created();
    const other = transition(statusBatch(t.db, AT), { create: { ...fresh, id: 's2', name: 'api' } }, { event: 'create', reason: null });
    const batch = statusBatch(t.db, AT);
    transition(batch, row, { event: 'tenant-deleted', reason: 'the tenant is being deleted' });
    transition(batch, other, { event: 'tenant-deleted', reason: 'the tenant is being deleted' });
    expect(batch.usage).toEqual(new Set(['t1']));
  });
});
