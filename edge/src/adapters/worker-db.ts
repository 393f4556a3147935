import { createClient } from '@libsql/client/web';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql/web';
import { drizzle as drizzleD1 } from 'drizzle-orm/d1';
import { schema, type Db } from '@berth/db';
import type { Config } from '../config.ts';
import { withSqliteCodes } from './worker-d1-errors.ts';

/**
 * The database on Workers: a libSQL server over HTTP when BERTH_DATABASE_URL names one, else the
 * D1 binding. Both get the same drizzle schema; migrations are applied before deploy, not here
 * (a Worker has no start-up moment and no filesystem to read them from).
 */
export function openWorkerDb(config: Config, d1: D1Database): Db {
  if (!config.BERTH_DATABASE_URL.startsWith('file:')) {
    const client = createClient({ url: config.BERTH_DATABASE_URL, ...(config.BERTH_DATABASE_AUTH_TOKEN ? { authToken: config.BERTH_DATABASE_AUTH_TOKEN } : {}) });
    return drizzleLibsql(client, { schema, casing: 'snake_case' });
  }
  return drizzleD1(withSqliteCodes(d1), { schema, casing: 'snake_case' });
}
