import { describe, expect, it } from 'vitest';
import { base32Decode, totp } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890", 8 digits.
const SEED = new TextEncoder().encode('12345678901234567890');

describe('the test TOTP generator', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 vector at T=%i', (seconds, expected) => {
    expect(totp(SEED, seconds * 1000, { digits: 8 })).toBe(expected);
  });

  it('decodes base32 as RFC 4648 specifies', () => {
    expect(new TextDecoder().decode(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'))).toBe('12345678901234567890');
    expect(new TextDecoder().decode(base32Decode('MZXW6YQ='))).toBe('foob');
  });
});
