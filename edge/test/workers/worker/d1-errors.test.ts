import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { D1SqliteError, withSqliteCodes } from '../../../src/adapters/worker-d1-errors.ts';
import { startWorker, type WorkerHarness } from '../worker-harness.ts';

/**
 * Berth tells a uniqueness race (409, retry) from other refusals (500) by SQLite's codes.
 * Type-checked with the Workers types (tsconfig.worker.json): it holds a D1 binding.
 */
describe('D1 failures carry the codes libSQL would give', () => {
  let w: WorkerHarness;
  let db: D1Database;

  beforeAll(async () => {
    w = await startWorker();
    db = withSqliteCodes(await w.mf.getD1Database('DB'));
  });
  afterAll(() => w?.close());

  it('reports a duplicate key as SQLITE_CONSTRAINT_UNIQUE, in a statement and in a batch', async () => {
    const insert = () => db.prepare('INSERT INTO platform_state (key, value, updated_at) VALUES (?, ?, ?)').bind('dup', 'v', 0);
    await insert().run();
    const single = await insert().run().catch((e: unknown) => e);
    expect(single).toBeInstanceOf(D1SqliteError);
    expect(single).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    const batched = await db.batch([insert()]).catch((e: unknown) => e);
    expect(batched).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
  });

  it('reports a missing NOT NULL value as SQLITE_CONSTRAINT_NOTNULL, not as a conflict', async () => {
    const err = await db.prepare('INSERT INTO platform_state (key, value, updated_at) VALUES (?, NULL, ?)').bind('null-value', 0).run().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_NOTNULL' });
  });

  it('passes answers through unchanged', async () => {
    await db.prepare('INSERT INTO platform_state (key, value, updated_at) VALUES (?, ?, ?)').bind('kept', 'yes', 0).run();
    const row = await db.prepare('SELECT value FROM platform_state WHERE key = ?').bind('kept').first<{ value: string }>();
    expect(row?.value).toBe('yes');
  });
});
