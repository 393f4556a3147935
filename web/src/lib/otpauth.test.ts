import { describe, expect, it } from 'vitest';
import { groupSecret, readOtpAuth } from './otpauth.ts';

describe('otpauth URIs', () => {
  it('reads the secret, issuer and account of the URI better-auth hands out', () => {
    const uri = 'otpauth://totp/Berth:alice%40berth.test?secret=JBSWY3DPEHPK3PXP&issuer=Berth&digits=6&period=30';
    expect(readOtpAuth(uri)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'Berth', account: 'alice@berth.test', digits: 6, period: 30 });
  });

  it('defaults digits and period, takes the issuer from the label, and normalises the secret', () => {
    expect(readOtpAuth('otpauth://totp/Acme:bob?secret=jbswy3dpehpk3pxp===')).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'Acme', account: 'bob', digits: 6, period: 30 });
  });

  it('refuses what is not a TOTP URI with a base32 secret', () => {
    for (const bad of ['', 'not a uri', 'https://berth.test/?secret=JBSWY3DP', 'otpauth://hotp/x?secret=JBSWY3DP', 'otpauth://totp/x', 'otpauth://totp/x?secret=01189']) {
      expect(readOtpAuth(bad), bad).toBeNull();
    }
  });

  it('groups a secret in fours for typing', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('ABCDEF')).toBe('ABCD EF');
    expect(groupSecret('')).toBe('');
  });
});
