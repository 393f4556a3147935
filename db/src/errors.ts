/**
 * Errors the database layer gives, each with a stable `code` (the jose way: `name` is the class,
 * `code` is what callers branch on). Messages never carry stored values, SQL or parameters.
 */
export class DbError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A stored JSON value that is not JSON, or not of the shape its column declares (a hand-edited
 * row, or one written before the schema tightened). `reason` says which.
 */
export class StoredJsonInvalid extends DbError {
  readonly column: string;
  readonly reason: 'not-json' | 'schema-mismatch';

  constructor(column: string, reason: 'not-json' | 'schema-mismatch') {
    super('STORED_JSON_INVALID', `stored ${column} is unreadable (${reason})`);
    this.column = column;
    this.reason = reason;
  }
}

/** SQLite's result code for an error (e.g. SQLITE_CONSTRAINT), looking through wrapper errors' causes. */
export function sqliteCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

/** SQLite's extended result code (e.g. SQLITE_CONSTRAINT_UNIQUE), when the driver reports one. */
export function sqliteExtendedCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { extendedCode, code } = e as { extendedCode?: unknown; code?: unknown };
    if (typeof extendedCode === 'string' && extendedCode.startsWith('SQLITE_')) return extendedCode;
    if (typeof code === 'string' && /^SQLITE_[A-Z]+_[A-Z_]+$/.test(code)) return code;
  }
  return undefined;
}

/** Constraint failures that mean the data changed underneath a write: reloading and retrying may succeed. */
const CONFLICTS = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_FOREIGNKEY']);

/**
 * True when a failed write lost a uniqueness or reference race. Any other refusal (a trigger,
 * a CHECK) is not a conflict. Without an extended code, any constraint failure counts.
 */
export function isConflict(err: unknown): boolean {
  const extended = sqliteExtendedCode(err);
  if (extended) return CONFLICTS.has(extended);
  return sqliteCode(err)?.startsWith('SQLITE_CONSTRAINT') ?? false;
}
