import type { Db } from '@berth/db';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { PasswordHasher } from '../auth/password-hasher.ts';

/** What business services need: storage, time, logs. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  passwords: PasswordHasher;
}
