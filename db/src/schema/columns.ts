import { integer } from 'drizzle-orm/sqlite-core';

/** Millisecond timestamps: exact, sortable, and what better-auth expects on SQLite. */
export const timestamp = (name?: string) =>
  name ? integer(name, { mode: 'timestamp_ms' }) : integer({ mode: 'timestamp_ms' });
