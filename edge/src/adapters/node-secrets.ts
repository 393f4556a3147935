import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The folder that holds the embedded database, or `.berth/` when the database is remote. */
export function stateDir(databaseUrl: string): string {
  if (databaseUrl.startsWith('file:')) return dirname(resolve(databaseUrl.slice('file:'.length)));
  return resolve('.berth');
}

/**
 * Reads `<dir>/secret.key`, creating it (256 random bits, mode 0600) on first start. Used only
 * when BERTH_SECRET_KEY is not set, so a one-command start has a stable key across restarts.
 */
export function loadOrCreateSecretKey(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, 'secret.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 32) return key;
  }
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export function newSetupToken(): string {
  return randomBytes(24).toString('base64url');
}
