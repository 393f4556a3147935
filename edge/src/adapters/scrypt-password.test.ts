import { describe, it, expect } from 'vitest';
import { createScryptPasswordHasher, SCRYPT_PARAMS } from './scrypt-password.ts';

describe('scrypt password hasher', () => {
  const hasher = createScryptPasswordHasher();

  it('uses the OWASP scrypt parameters (N=2^17, r=8, p=1)', () => {
    expect(SCRYPT_PARAMS).toMatchObject({ N: 131072, r: 8, p: 1 });
  });

  it('writes the parameters into the stored hash and verifies the right password only', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(stored.startsWith('scrypt$131072$8$1$')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(stored, 'correct horse batterY')).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it('flags weaker hashes for upgrade and still verifies them', async () => {
    const weak = createScryptPasswordHasher({ ...SCRYPT_PARAMS, N: 2 ** 14 });
    const stored = await weak.hash('old password');
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(await hasher.verify(stored, 'old password')).toBe(true);
  });

  it('rejects malformed or resource-exhausting stored values without throwing', async () => {
    expect(await hasher.verify('not-a-hash', 'x')).toBe(false);
    expect(await hasher.verify('scrypt$1073741824$8$1$AAAA$AAAA', 'x')).toBe(false);
  });
});
