import type { Context } from 'hono';
import type { Db } from '@berth/db';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Clock } from './clock.ts';
import type { PasswordHasher } from './auth/password-hasher.ts';

/**
 * Everything the app needs from its runtime. Entries (node.ts, worker.ts) build these; app.ts
 * and everything below it stay free of runtime imports.
 */
export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock: Clock;
  passwords: PasswordHasher;
  /** Public origin of the API (cookies, OAuth redirects). */
  baseUrl: string;
  /** The first-boot token while setup has not run; undefined once it has (or when none was issued). */
  setupToken: string | undefined;
  /** The caller's address as the runtime sees it. */
  clientIp?: (c: Context) => string | null;
}
