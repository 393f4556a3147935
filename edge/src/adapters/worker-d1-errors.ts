import { DbError } from '@berth/db';

/**
 * D1 reports SQLite failures as plain messages ("D1_ERROR: UNIQUE constraint failed: …:
 * SQLITE_CONSTRAINT"), without the `code` / `extendedCode` fields libSQL sets. Berth classifies
 * write failures by those codes (`isConflict` in @berth/db: a uniqueness race is a retryable 409,
 * a trigger refusal a 500), so this wraps the binding and rethrows D1 errors with the codes
 * SQLite would have given.
 */
export class D1SqliteError extends DbError {
  readonly extendedCode: string | undefined;

  constructor(code: string, extendedCode: string | undefined, cause: unknown) {
    super(code, `database refused the statement (${extendedCode ?? code})`, { cause });
    this.extendedCode = extendedCode;
  }
}

const CONSTRAINTS: [RegExp, string][] = [
  [/UNIQUE constraint failed/, 'SQLITE_CONSTRAINT_UNIQUE'],
  [/FOREIGN KEY constraint failed/, 'SQLITE_CONSTRAINT_FOREIGNKEY'],
  [/CHECK constraint failed/, 'SQLITE_CONSTRAINT_CHECK'],
  [/NOT NULL constraint failed/, 'SQLITE_CONSTRAINT_NOTNULL'],
];

/** Maps a D1 failure to a D1SqliteError; anything that is not an SQLite error passes unchanged. */
export function classifyD1Error(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = /\b(SQLITE_[A-Z]+)\b/.exec(err.message)?.[1];
  if (!code) return err;
  if (code !== 'SQLITE_CONSTRAINT') return new D1SqliteError(code, undefined, err);
  // What remains after the named constraints is RAISE() in a trigger, whose message is its own.
  const extended = CONSTRAINTS.find(([re]) => re.test(err.message))?.[1] ?? 'SQLITE_CONSTRAINT_TRIGGER';
  return new D1SqliteError(code, extended, err);
}

const STATEMENT_RUNNERS = new Set(['first', 'run', 'all', 'raw']);

/** The same binding, with every failure passed through `classifyD1Error`. */
export function withSqliteCodes(d1: D1Database): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const rethrow = (err: unknown): never => {
    throw classifyD1Error(err);
  };
  const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === 'bind') return (...values: unknown[]) => wrapStatement(target.bind(...values));
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof prop === 'string' && STATEMENT_RUNNERS.has(prop) && typeof value === 'function') {
          return (...args: unknown[]) => (Reflect.apply(value, target, args) as Promise<unknown>).catch(rethrow);
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => wrapStatement(target.prepare(query));
      if (prop === 'batch') return (stmts: D1PreparedStatement[]) => target.batch(stmts.map((s) => real.get(s) ?? s)).catch(rethrow);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
