import { describe, it, expect } from 'vitest';
import { createTestDb } from './testing.ts';
import { applyMigrations } from './migrate.ts';

describe('migrations', () => {
  it('apply to an empty database and are safe to run twice', async () => {
    const t = await createTestDb();
    try {
      await applyMigrations(t.db);
      const rows = await t.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
      const names = rows.rows.map((r) => String(r.name));
      expect(names).toEqual(expect.arrayContaining(['user', 'session', 'tenant', 'membership', 'audit_log', 'api_token']));
      const applied = await t.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(Number(applied.rows[0]?.n)).toBeGreaterThan(0);
    } finally {
      t.close();
    }
  });
});
