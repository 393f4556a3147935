import { describe, expect, it } from 'vitest';
import { CommandClaims, HelloClaims, ResultClaims } from './signing.ts';

const cmd = { kind: 'service.restart', tenantId: 't1', agentServiceId: 's1' };
const claims = { iss: 'berth-edge', aud: 'agent-1', sub: 't1', jti: 'cmd-0001', seq: 1, iat: 1000, exp: 1060, cmd };

describe('CommandClaims', () => {
  it('accepts a command that lives 60 s', () => {
    expect(CommandClaims.parse(claims).cmd.kind).toBe('service.restart');
  });

  it('refuses a command that lives longer than 60 s', () => {
    expect(CommandClaims.safeParse({ ...claims, exp: 1061 }).success).toBe(false);
  });

  it('refuses a subject that is not the command tenant', () => {
    expect(CommandClaims.safeParse({ ...claims, sub: 't2' }).success).toBe(false);
  });

  it('refuses another issuer, a missing jti and a zero seq', () => {
    expect(CommandClaims.safeParse({ ...claims, iss: 'mallory' }).success).toBe(false);
    expect(CommandClaims.safeParse({ ...claims, jti: undefined }).success).toBe(false);
    expect(CommandClaims.safeParse({ ...claims, seq: 0 }).success).toBe(false);
  });
});

describe('agent-signed claims', () => {
  it('parses a result echoing the command jti and seq', () => {
    expect(ResultClaims.parse({ iss: 'agent-1', aud: 'berth-edge', jti: 'cmd-0001', seq: 1, iat: 1001, result: { ok: true } }).seq).toBe(1);
  });

  it('refuses a hello proof valid for longer than 60 s', () => {
    expect(HelloClaims.safeParse({ iss: 'agent-1', aud: 'berth-edge', nonce: 'n'.repeat(32), iat: 0, exp: 61 }).success).toBe(false);
  });
});
