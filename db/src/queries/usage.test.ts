import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asc, eq, sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { createTestDb, type TestDb } from '../testing.ts';
import { openDb, type Db } from '../client.ts';
import { MIGRATIONS_FOLDER } from '../migrate.ts';
import { agentService, cluster, tenant, usageSample } from '../schema/index.ts';
import { USAGE_RETENTION_MS, usageSampleWrites, usageSamplesBetween } from './usage.ts';

const DAY = 24 * 3600 * 1000;
const T0 = new Date('2030-01-01T00:00:00Z');

async function seedTenant(db: Db, id: string) {
  await db.insert(tenant).values({ id, slug: id, name: id, createdBy: 'u', createdAt: T0, updatedAt: T0 });
  // Only the columns every migration has: the baseline test seeds a database migrated to an older schema.
  await db.run(sql`INSERT OR IGNORE INTO ${cluster} (id, name, allowed_registries, created_by, created_at) VALUES (${`c-${id}`}, 'c', '[]', 'u', ${T0.getTime()})`);
}

let n = 0;
function service(tenantId: string, fields: Partial<typeof agentService.$inferInsert>): typeof agentService.$inferInsert {
  const id = `s-${++n}`;
  return { id, tenantId, clusterId: `c-${tenantId}`, name: id, spec: '{}', specHash: 'h', replicas: 1, rememberedReplicas: 1, cpuMillis: 500, memoryMb: 128, createdBy: 'u', createdAt: T0, updatedAt: T0, ...fields };
}

const rows = (db: Db, tenantId: string) => db.select().from(usageSample).where(eq(usageSample.tenantId, tenantId)).orderBy(asc(usageSample.at), asc(usageSample.id)).all();

describe('usage samples', () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    await seedTenant(t.db, 'a');
    await seedTenant(t.db, 'b');
  });
  afterEach(() => t.close());

  it('records the tenant totals as they stand after the other writes of the same batch', async () => {
    const writes = usageSampleWrites(t.db, 'a', T0);
    await t.db.batch([
      t.db.insert(agentService).values(service('a', { replicas: 3, runningReplicas: 2, cpuMillis: 250, memoryMb: 64 })),
      t.db.insert(agentService).values(service('a', { replicas: 0, status: 'stopped' })),
      t.db.insert(agentService).values(service('a', { replicas: 5, status: 'removed' })),
      t.db.insert(agentService).values(service('b', { replicas: 9, runningReplicas: 9 })),
      ...writes,
    ]);
    expect(await rows(t.db, 'a')).toEqual([
      expect.objectContaining({ tenantId: 'a', at: T0, runningReplicas: 2, totalReplicas: 3, cpuMillis: 750, memoryMb: 192, agentServices: 2 }),
    ]);
    expect(await rows(t.db, 'b')).toEqual([]);
  });

  it('records zeros for a tenant without services', async () => {
    await t.db.batch(usageSampleWrites(t.db, 'a', T0));
    expect(await rows(t.db, 'a')).toEqual([expect.objectContaining({ runningReplicas: 0, totalReplicas: 0, cpuMillis: 0, memoryMb: 0, agentServices: 0 })]);
  });

  it('never moves a tenant backwards in time, so rows follow commit order', async () => {
    await t.db.batch(usageSampleWrites(t.db, 'a', new Date(T0.getTime() + 5000)));
    await t.db.insert(agentService).values(service('a', { replicas: 2 }));
    await t.db.batch(usageSampleWrites(t.db, 'a', T0));
    const [first, second] = await rows(t.db, 'a');
    expect(second?.at).toEqual(new Date(T0.getTime() + 5000));
    expect(second?.totalReplicas).toBe(2);
    expect(second!.id).toBeGreaterThan(first!.id);
  });

  it('prunes rows past the retention window but keeps the newest of them as the carried step', async () => {
    const now = new Date(T0.getTime() + 60 * DAY);
    for (const ageDays of [50, 40, 36, 1]) await t.db.batch(usageSampleWrites(t.db, 'a', new Date(now.getTime() - ageDays * DAY)));
    await t.db.batch(usageSampleWrites(t.db, 'b', new Date(now.getTime() - 50 * DAY)));
    await t.db.batch(usageSampleWrites(t.db, 'a', now));
    const ats = (await rows(t.db, 'a')).map((r) => (now.getTime() - r.at.getTime()) / DAY);
    expect(ats).toEqual([36, 1, 0]);
    expect(36 * DAY).toBeGreaterThan(USAGE_RETENTION_MS);
    expect(await rows(t.db, 'b')).toHaveLength(1);
  });

  it('reads the step carried into a range and the rows inside it, in write order', async () => {
    for (const s of [0, 10, 20, 20, 30]) await t.db.batch(usageSampleWrites(t.db, 'a', new Date(T0.getTime() + s * 1000)));
    const { carried, samples } = await usageSamplesBetween(t.db, 'a', new Date(T0.getTime() + 15_000), new Date(T0.getTime() + 30_000));
    expect(carried?.at).toEqual(new Date(T0.getTime() + 10_000));
    expect(samples.map((r) => r.at.getTime() - T0.getTime())).toEqual([20_000, 20_000]);
    expect(samples[1]!.id).toBeGreaterThan(samples[0]!.id);
    const none = await usageSamplesBetween(t.db, 'b', T0, new Date(T0.getTime() + 1000));
    expect(none).toEqual({ carried: undefined, samples: [] });
  });
});

describe('the usage baseline migration', () => {
  it('records one sample per tenant that existed before the upgrade, with its totals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-mig-'));
    const before = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = z.object({ entries: z.array(z.object({ tag: z.string() }).loose()) }).loose().parse(JSON.parse(readFileSync(journalPath, 'utf8')));
    const upTo = journal.entries.findIndex((e) => e.tag.endsWith('_usage_baseline'));
    expect(upTo).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, upTo) }));
    const { db, client } = await openDb({ url: `file:${join(dir, 'up.db')}` });
    try {
      await migrate(db, { migrationsFolder: before });
      await seedTenant(db, 'a');
      await seedTenant(db, 'quiet');
      await db.insert(agentService).values([service('a', { replicas: 2, runningReplicas: 1, cpuMillis: 100, memoryMb: 32 }), service('a', { replicas: 4, status: 'removed' })]);
      const started = Date.now();
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
      const all = await db.select().from(usageSample).orderBy(asc(usageSample.tenantId)).all();
      expect(all).toEqual([
        expect.objectContaining({ tenantId: 'a', runningReplicas: 1, totalReplicas: 2, cpuMillis: 200, memoryMb: 64, agentServices: 1 }),
        expect.objectContaining({ tenantId: 'quiet', runningReplicas: 0, totalReplicas: 0, agentServices: 0 }),
      ]);
      expect(Math.abs(all[0]!.at.getTime() - started)).toBeLessThan(60_000);
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
