import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../testing.ts';
import { StoredJsonInvalid } from '../errors.ts';
import { cluster } from './clusters.ts';
import { platformState } from './platform.ts';

describe('JSON columns', () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
  });
  afterEach(() => t.close());

  const newCluster = () =>
    t.db.insert(cluster).values({ id: 'c1', name: 'c', allowedRegistries: ['ghcr.io/acme', 'docker.io'], createdBy: 'u', createdAt: new Date(0) });

  it('stores the JSON.stringify text and reads the parsed value back', async () => {
    await newCluster();
    const raw = await t.client.execute(`SELECT allowed_registries, allowed_placement_labels FROM cluster`);
    expect(raw.rows[0]).toMatchObject({ allowed_registries: '["ghcr.io/acme","docker.io"]', allowed_placement_labels: '[]' });
    const row = await t.db.select().from(cluster).where(eq(cluster.id, 'c1')).get();
    expect(row?.allowedRegistries).toEqual(['ghcr.io/acme', 'docker.io']);
    expect(row?.allowedPlacementLabels).toEqual([]);
  });

  it('fails the read with STORED_JSON_INVALID when a strict column holds something else', async () => {
    await newCluster();
    await t.client.execute(`UPDATE cluster SET allowed_registries = 'not json'`);
    const err: unknown = await t.db.select().from(cluster).get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoredJsonInvalid);
    expect(err).toMatchObject({ code: 'STORED_JSON_INVALID', column: 'cluster.allowed_registries', reason: 'not-json' });
    await t.client.execute(`UPDATE cluster SET allowed_registries = '[1]'`);
    await expect(t.db.select().from(cluster).get()).rejects.toMatchObject({ code: 'STORED_JSON_INVALID', reason: 'schema-mismatch' });
  });

  it('reads an unreadable value of a per-row column as a StoredJsonInvalid, leaving the other rows readable', async () => {
    await t.db.insert(platformState).values({ key: 'good', value: { mode: 'open' }, updatedAt: new Date(0) });
    await t.client.execute(`INSERT INTO platform_state (key, value, updated_at) VALUES ('bad', '{oops', 0)`);
    const rows = await t.db.select().from(platformState).orderBy(platformState.key).all();
    expect(rows[0]?.value).toMatchObject({ code: 'STORED_JSON_INVALID', column: 'platform_state.value', reason: 'not-json' });
    expect(rows[1]?.value).toEqual({ mode: 'open' });
  });

  it('refuses to write a StoredJsonInvalid back', async () => {
    const marker = new StoredJsonInvalid('platform_state.value', 'not-json');
    await expect(t.db.insert(platformState).values({ key: 'k', value: marker, updatedAt: new Date(0) })).rejects.toBe(marker);
  });
});
