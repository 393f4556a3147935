import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type LibSqlDb } from './client.ts';
import { applyMigrations } from './migrate.ts';
import type { Client } from '@libsql/client';

export interface TestDb {
  db: LibSqlDb;
  client: Client;
  url: string;
  close(): void;
}

/** A real embedded libSQL file in a fresh temp folder, with the real migrations applied. */
export async function createTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-db-'));
  const url = `file:${join(dir, 'test.db')}`;
  const { db, client } = await openDb({ url });
  await applyMigrations(db);
  return {
    db,
    client,
    url,
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
