import { describe, expect, it } from 'vitest';
import { isConflict, sqliteCode, sqliteExtendedCode } from './errors.ts';

const driverError = (fields: { code?: string; extendedCode?: string }) => Object.assign(new Error('driver'), fields);

describe('SQLite error classification', () => {
  it('reads the codes through wrapper errors', () => {
    const inner = driverError({ code: 'SQLITE_CONSTRAINT', extendedCode: 'SQLITE_CONSTRAINT_UNIQUE' });
    const outer = new Error('query failed', { cause: inner });
    expect(sqliteCode(outer)).toBe('SQLITE_CONSTRAINT');
    expect(sqliteExtendedCode(outer)).toBe('SQLITE_CONSTRAINT_UNIQUE');
  });

  it('counts uniqueness, primary key and reference races as conflicts, and not a trigger or CHECK', () => {
    for (const extendedCode of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_FOREIGNKEY']) {
      expect(isConflict(driverError({ code: 'SQLITE_CONSTRAINT', extendedCode }))).toBe(true);
    }
    for (const extendedCode of ['SQLITE_CONSTRAINT_TRIGGER', 'SQLITE_CONSTRAINT_CHECK']) {
      expect(isConflict(driverError({ code: 'SQLITE_CONSTRAINT', extendedCode }))).toBe(false);
    }
  });

  it('falls back to the primary code when the driver gives no extended one', () => {
    expect(isConflict(driverError({ code: 'SQLITE_CONSTRAINT' }))).toBe(true);
    expect(isConflict(driverError({ code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isConflict(new Error('UNIQUE constraint failed'))).toBe(false);
  });
});
