import { loadConfig, type Config, type RawEnv } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { Db } from '@berth/db';
import { openWorkerDb } from './worker-db.ts';

/** What the Worker and its Durable Objects share: validated config, a logger, the database. */
export interface WorkerBase {
  config: Config;
  logger: Logger;
  db: Db;
}

/**
 * Reads the Worker's environment through `loadConfig` (the only env reader). Bindings are
 * objects; only the string entries (vars and secrets) are configuration.
 */
export function workerBase(env: Env): WorkerBase {
  const raw: RawEnv = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') raw[key] = value;
  const config = loadConfig(raw);
  return { config, logger: createLogger(config.BERTH_LOG_LEVEL), db: openWorkerDb(config, env.DB) };
}
