import { afterEach, describe, expect, it } from 'vitest';
import { createScryptPasswordHasher } from '../../src/adapters/scrypt-password.ts';
import type { PasswordHasher } from '../../src/auth/password-hasher.ts';
import { createHarness, PASSWORD, SETUP_TOKEN, type Harness } from '../support/harness.ts';

/** The real scrypt hasher, counting how often it hashes. */
function countingHasher(): PasswordHasher & { hashes: number } {
  const real = createScryptPasswordHasher();
  const counter = {
    hashes: 0,
    hash: (password: string) => {
      counter.hashes++;
      return real.hash(password);
    },
    verify: (hash: string, password: string) => real.verify(hash, password),
    needsRehash: (hash: string) => real.needsRehash(hash),
  };
  return counter;
}

const body = (token: string, email = 'root@berth.test') => ({ token, email, password: PASSWORD, name: 'Root' });
const auditRows = async (h: Harness) => Number((await h.client.execute('SELECT count(*) AS n FROM audit_log')).rows[0]?.n);

describe('setup refuses before hashing', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('answers a wrong token without hashing the password or writing an audit row', async () => {
    const passwords = countingHasher();
    h = await createHarness({}, undefined, { passwords });
    const before = await auditRows(h);
    for (const token of ['not-the-setup-token-at-all', `${SETUP_TOKEN}x`, SETUP_TOKEN.slice(0, -1)]) {
      const res = await h.call('POST', '/api/v1/setup', { body: body(token) });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'SETUP_TOKEN_INVALID' } });
    }
    expect(passwords.hashes).toBe(0);
    expect(await auditRows(h)).toBe(before);
  });

  it('answers a setup after the first without hashing, even with the right token', async () => {
    const passwords = countingHasher();
    h = await createHarness({}, undefined, { passwords });
    await h.json('POST', '/api/v1/setup', 201, { body: body(SETUP_TOKEN) });
    expect(passwords.hashes).toBe(1);
    for (const token of [SETUP_TOKEN, 'not-the-setup-token-at-all']) {
      const res = await h.call('POST', '/api/v1/setup', { body: body(token, 'second@berth.test') });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: { code: 'SETUP_ALREADY_DONE' } });
    }
    expect(passwords.hashes).toBe(1);
  });
});
