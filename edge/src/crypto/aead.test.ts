import { describe, it, expect } from 'vitest';
import { createAead, DecryptError } from './aead.ts';

const SECRET = 'a-test-secret-key-that-is-long-enough-123';

describe('aead', () => {
  it('round-trips a value and never repeats a ciphertext', async () => {
    const a = await createAead(SECRET, 'tenant-secret');
    const [x, y] = [await a.encrypt('hunter2'), await a.encrypt('hunter2')];
    expect(x).not.toBe(y);
    expect(x).not.toContain('hunter2');
    expect(await a.decrypt(x)).toBe('hunter2');
  });

  it('refuses a tampered ciphertext, another purpose and another key', async () => {
    const a = await createAead(SECRET, 'tenant-secret');
    const sealed = await a.encrypt('value');
    const parts = sealed.split('.');
    const last = parts[2] ?? '';
    const flipped = `${parts[0]}.${parts[1]}.${last.slice(0, -2)}${last.endsWith('A') ? 'B' : 'A'}${last.slice(-1)}`;
    await expect(a.decrypt(flipped)).rejects.toBeInstanceOf(DecryptError);
    await expect((await createAead(SECRET, 'edge-key')).decrypt(sealed)).rejects.toBeInstanceOf(DecryptError);
    await expect((await createAead(`${SECRET}x`, 'tenant-secret')).decrypt(sealed)).rejects.toBeInstanceOf(DecryptError);
  });
});
