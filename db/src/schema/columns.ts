import { customType, integer } from 'drizzle-orm/sqlite-core';
import type { z } from 'zod';
import { StoredJsonInvalid } from '../errors.ts';

/** Millisecond timestamps: exact, sortable, and what better-auth expects on SQLite. */
export const timestamp = (name?: string) =>
  name ? integer(name, { mode: 'timestamp_ms' }) : integer({ mode: 'timestamp_ms' });

function decode<S extends z.ZodType>(label: string, schema: S, text: string): z.output<S> | StoredJsonInvalid {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new StoredJsonInvalid(label, 'not-json');
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : new StoredJsonInvalid(label, 'schema-mismatch');
}

/**
 * A TEXT column holding JSON, written with `JSON.stringify` and parsed once at read against
 * `schema`. A stored value that is not JSON or not of that shape throws StoredJsonInvalid from
 * the query: use this where an unreadable value should fail the request. `label` names the
 * column in that error (table.column).
 */
export const json = <S extends z.ZodType>(label: string, schema: S) =>
  customType<{ data: z.output<S>; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (text) => {
      const value = decode(label, schema, text);
      if (value instanceof StoredJsonInvalid) throw value;
      return value;
    },
  })();

/**
 * Like {@link json}, but an unreadable value reads as a StoredJsonInvalid instead of throwing,
 * so one bad row fails only what that row is for (a command, an agent's key) and the other
 * rows of the same query are still read. Writing a StoredJsonInvalid back is refused.
 */
export const jsonOrInvalid = <S extends z.ZodType>(label: string, schema: S) =>
  customType<{ data: z.output<S> | StoredJsonInvalid; driverData: string }>({
    dataType: () => 'text',
    toDriver: (value) => {
      if (value instanceof StoredJsonInvalid) throw value;
      return JSON.stringify(value);
    },
    fromDriver: (text) => decode(label, schema, text),
  })();
