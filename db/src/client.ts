import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/**
 * The database handle every query function takes: any async SQLite drizzle database with
 * Berth's schema and atomic `batch` (libSQL on Node and over HTTP, D1 on Workers).
 */
export type Db = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<BatchResponse<T>>;
};
/** A libSQL-backed handle (what `openDb` returns; the migrator needs this one). */
export type LibSqlDb = LibSQLDatabase<Schema>;

export interface DbOptions {
  /** `file:path.db` (embedded), `libsql://…` or `https://…` (remote libSQL). */
  url: string;
  authToken?: string | undefined;
}

/** Opens a libSQL client and wraps it in drizzle with Berth's schema and snake_case columns. */
export async function openDb(options: DbOptions): Promise<{ db: LibSqlDb; client: Client }> {
  const client = createClient({ url: options.url, ...(options.authToken ? { authToken: options.authToken } : {}) });
  if (options.url.startsWith('file:')) {
    // WAL lets readers proceed during a write; busy_timeout turns brief lock contention into waiting.
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA busy_timeout = 5000');
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  await client.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(client, { schema, casing: 'snake_case' });
  return { db, client };
}
