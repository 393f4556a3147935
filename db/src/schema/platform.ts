import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns.ts';

/** Platform-wide facts. The row with key 'setup' exists once first-boot setup has run. */
export const platformState = sqliteTable('platform_state', {
  key: text().primaryKey(),
  value: text().notNull(),
  updatedAt: timestamp().notNull(),
});
