import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { LibSqlDb } from './client.ts';

/** The committed, generated migrations (drizzle-kit). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** Applies pending migrations; forward-only and safe to run any number of times. */
export async function applyMigrations(db: LibSqlDb): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
