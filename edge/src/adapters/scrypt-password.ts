import { scrypt, randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../auth/password-hasher.ts';

/**
 * OWASP Password Storage Cheat Sheet, scrypt: N = 2^17, r = 8, p = 1 (128 MiB, one lane).
 * The key is 64 bytes and the salt 16 random bytes. Stored as
 * `scrypt$<N>$<r>$<p>$<salt b64url>$<key b64url>` so parameters can be raised later and old
 * hashes recognised (`needsRehash`). Works on Node and on Workers with nodejs_compat.
 */
export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 17, r: 8, p: 1, keyLength: 64, saltLength: 16 });

const PREFIX = 'scrypt';

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes, or scrypt refuses the parameters.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  if (N > 2 ** 20 || r > 32 || p > 16) return null; // refuse parameters that would exhaust memory
  return { N, r, p, salt: Buffer.from(parts[4] ?? '', 'base64url'), key: Buffer.from(parts[5] ?? '', 'base64url') };
}

export function createScryptPasswordHasher(params = SCRYPT_PARAMS): PasswordHasher {
  return {
    async hash(password) {
      const salt = randomBytes(params.saltLength);
      const key = await derive(password, salt, params.N, params.r, params.p, params.keyLength);
      return [PREFIX, params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
    },
    async verify(stored, password) {
      const parsed = parse(stored);
      if (!parsed || parsed.key.length === 0) return false;
      const key = await derive(password, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.key.length);
      return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
    },
    needsRehash(stored) {
      const parsed = parse(stored);
      return !parsed || parsed.N < params.N || parsed.r < params.r || parsed.p < params.p || parsed.key.length < params.keyLength;
    },
  };
}
