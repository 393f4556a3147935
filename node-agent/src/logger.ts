/** Context fields a log line may carry (see STYLE.md: Logging). */
export type LogFields = Record<string, string | number | boolean | undefined | null>;

/** Structured logger: one JSON object per line, lower-case message phrases, context as fields. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A JSON-lines logger writing to `write` (stderr by default); pretty output only on a TTY. */
export function createLogger(opts: { level: LogLevel; base?: LogFields; write?: (line: string) => void; pretty?: boolean }): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pretty = opts.pretty ?? (opts.write === undefined && process.stderr.isTTY === true);
  const base = opts.base ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < RANK[opts.level]) return;
    const entry = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    if (pretty) {
      const extra = Object.entries({ ...base, ...fields })
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      write(`${entry.time} ${level.padEnd(5)} ${msg}${extra ? ` ${extra}` : ''}`);
    } else {
      write(JSON.stringify(entry));
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...opts, base: { ...base, ...fields }, write, pretty }),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });
