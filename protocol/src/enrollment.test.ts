import { describe, expect, it } from 'vitest';
import { Ed25519PublicJwk, EnrollResponse, parseJoinToken } from './enrollment.ts';

const x = 'A'.repeat(43);
const thumb = 'B'.repeat(43);

describe('enrollment', () => {
  it('splits a join token into secret and thumbprint', () => {
    expect(parseJoinToken(`bj1.${'s'.repeat(32)}.${thumb}`)).toEqual({ secret: 's'.repeat(32), edgeKeyThumbprint: thumb });
  });

  it.each(['bj2.secretsecretsecretsecret12.' + thumb, `bj1.short.${thumb}`, `bj1.${'s'.repeat(32)}.tooshort`, ''])('refuses the malformed token %j', (t) => {
    expect(parseJoinToken(t)).toBeUndefined();
  });

  it('refuses a JWK that carries a private key', () => {
    expect(Ed25519PublicJwk.safeParse({ kty: 'OKP', crv: 'Ed25519', x, d: x }).success).toBe(false);
  });

  it('refuses an enroll response with an http connect URL', () => {
    const res = { agentId: 'a', clusterId: 'c', edgePublicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x }, edgeKid: 'k', connectUrl: 'http://edge/agent' };
    expect(EnrollResponse.safeParse(res).success).toBe(false);
    expect(EnrollResponse.safeParse({ ...res, connectUrl: 'wss://edge.example/agent' }).success).toBe(true);
  });
});
