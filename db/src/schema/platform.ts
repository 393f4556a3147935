import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { jsonOrInvalid, timestamp } from './columns.ts';

/** Platform-wide facts. The row with key 'setup' exists once first-boot setup has run. */
export const platformState = sqliteTable('platform_state', {
  key: text().primaryKey(),
  /** Any JSON value; each key's reader checks the shape it expects. */
  value: jsonOrInvalid('platform_state.value', z.json()).notNull(),
  updatedAt: timestamp().notNull(),
});
