import { describe, expect, it } from 'vitest';
import { createApi } from './api.ts';

/** A fetch that records what was sent and answers `body`. */
function recorder(body: unknown, status = 200) {
  const sent: { url: string; method: string; body: unknown }[] = [];
  const api = createApi('', async (url, init) => {
    sent.push({ url, method: init.method ?? 'GET', body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    return Response.json(body, { status });
  });
  return { api, sent };
}

describe('api client: account security and registration', () => {
  it('enables TOTP with the password and reads the URI and backup codes', async () => {
    const { api, sent } = recorder({ totpURI: 'otpauth://totp/Berth:a?secret=JBSWY3DP', backupCodes: ['a-b', 'c-d'] });
    expect(await api.enableTotp('pw-123456')).toEqual({ totpURI: 'otpauth://totp/Berth:a?secret=JBSWY3DP', backupCodes: ['a-b', 'c-d'] });
    expect(sent).toEqual([{ url: '/api/auth/two-factor/enable', method: 'POST', body: { password: 'pw-123456' } }]);
  });

  it('turns TOTP off with the password', async () => {
    const { api, sent } = recorder({ status: true });
    await api.disableTotp('pw-123456');
    expect(sent).toEqual([{ url: '/api/auth/two-factor/disable', method: 'POST', body: { password: 'pw-123456' } }]);
  });

  it('puts the registration mode and reads it back', async () => {
    const { api, sent } = recorder({ mode: 'invite-only' });
    expect(await api.setRegistration('invite-only')).toEqual({ mode: 'invite-only' });
    expect(sent).toEqual([{ url: '/api/v1/platform/registration', method: 'PUT', body: { mode: 'invite-only' } }]);
  });

  it('refuses a providers answer without a registration mode it knows', async () => {
    await expect(recorder({ emailPassword: true, oidc: null }).api.providers()).rejects.toMatchObject({ problem: { code: 'BAD_RESPONSE' } });
    await expect(recorder({ emailPassword: true, oidc: null, registration: 'maybe' }).api.providers()).rejects.toMatchObject({ problem: { code: 'BAD_RESPONSE' } });
    expect(await recorder({ emailPassword: true, oidc: null, registration: 'closed' }).api.providers()).toMatchObject({ registration: 'closed' });
  });

  it('sends the mailed token back to verify an email or reset a password, and asks for links by email', async () => {
    const { api, sent } = recorder({ status: true });
    await api.verifyEmail('a.b/c+d');
    await api.resendVerification('me@berth.test');
    await api.requestPasswordReset('me@berth.test');
    await api.resetPassword('tok-123', 'new-password-1');
    expect(sent).toEqual([
      { url: '/api/auth/verify-email?token=a.b%2Fc%2Bd', method: 'GET', body: undefined },
      { url: '/api/auth/send-verification-email', method: 'POST', body: { email: 'me@berth.test' } },
      { url: '/api/auth/request-password-reset', method: 'POST', body: { email: 'me@berth.test' } },
      { url: '/api/auth/reset-password', method: 'POST', body: { token: 'tok-123', newPassword: 'new-password-1' } },
    ]);
  });
});
