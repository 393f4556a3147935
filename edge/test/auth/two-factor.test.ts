import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { session } from '@berth/db';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { cookieSecrets, leakedSecrets } from '../support/log-leaks.ts';
import { parseOtpAuthUri, totp } from '../support/totp.ts';

const SESSION_COOKIE = 'berth.session_token';

// better-auth allows 3 calls per 10 s per client address to each /two-factor/* path; every
// test here stays within that, except the one about the limit.

type ErrorBody = { code: string };

describe('TOTP two-factor', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const me = (cookie: string) => h.call('GET', '/api/v1/me', { cookie });

  /** Signs up, enables TOTP with the password and confirms it with a computed code. */
  async function enrolledUser(email: string) {
    const user = await h.signUp(email);
    const enable = await h.json<{ totpURI: string; backupCodes: string[] }>('POST', '/api/auth/two-factor/enable', 200, {
      cookie: user.cookie,
     
      body: { password: PASSWORD },
    });
    const otp = parseOtpAuthUri(enable.totpURI);
    const code = () => totp(otp.key, Date.now(), { digits: otp.digits, period: otp.period });
    const confirm = await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: user.cookie, body: { code: code() } });
    expect(confirm.status).toBe(200);
    const cookie = new CookieJar().absorb(confirm).header();
    return { ...user, cookie, enable, otp, code };
  }

  it('enables TOTP only with the password and a valid code', async () => {
    const alice = await h.signUp('alice@berth.test');
    const wrongPassword = await h.call('POST', '/api/auth/two-factor/enable', { cookie: alice.cookie, body: { password: 'not-the-password' } });
    expect(wrongPassword.status).toBe(400);
    expect(((await wrongPassword.json()) as ErrorBody).code).toBe('INVALID_PASSWORD');

    const enable = await h.json<{ totpURI: string; backupCodes: string[] }>('POST', '/api/auth/two-factor/enable', 200, {
      cookie: alice.cookie,
     
      body: { password: PASSWORD },
    });
    expect(enable.totpURI).toMatch(/^otpauth:\/\/totp\/Berth:alice%40berth\.test\?/);
    expect(enable.backupCodes.length).toBeGreaterThan(0);
    // Not on until a code proves the authenticator has the secret.
    expect(await h.json('GET', '/api/v1/me', 200, { cookie: alice.cookie })).toMatchObject({ twoFactorEnabled: false });

    const otp = parseOtpAuthUri(enable.totpURI);
    const right = totp(otp.key, Date.now(), otp);
    const wrong = right === '000000' ? '111111' : '000000';
    const refused = await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: alice.cookie, body: { code: wrong } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as ErrorBody).code).toBe('INVALID_CODE');
    expect(await h.json('GET', '/api/v1/me', 200, { cookie: alice.cookie })).toMatchObject({ twoFactorEnabled: false });

    const confirmed = await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: alice.cookie, body: { code: right } });
    expect(confirmed.status).toBe(200);
    const rotated = new CookieJar().absorb(confirmed).header();
    expect(await h.json('GET', '/api/v1/me', 200, { cookie: rotated })).toMatchObject({ twoFactorEnabled: true });
  });

  it('gives no session after the password until a correct TOTP code', async () => {
    const alice = await enrolledUser('alice@berth.test');
    await h.json('POST', '/api/auth/revoke-sessions', 200, { cookie: alice.cookie, body: {} });

    const step = await h.call('POST', '/api/auth/sign-in/email', { body: { email: alice.email, password: PASSWORD } });
    expect(step.status).toBe(200);
    expect(await step.json()).toEqual({ twoFactorRedirect: true, twoFactorMethods: ['totp'] });
    const browser = new CookieJar().absorb(step);
    expect(browser.get(SESSION_COOKIE)).toBeUndefined();
    expect(await h.db.select().from(session).where(eq(session.userId, alice.userId)).all()).toEqual([]);
    expect((await me(browser.header())).status).toBe(401);

    const right = alice.code();
    const wrong = right === '000000' ? '111111' : '000000';
    const refused = await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: browser.header(), body: { code: wrong } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as ErrorBody).code).toBe('INVALID_CODE');
    expect(browser.absorb(refused).get(SESSION_COOKIE)).toBeUndefined();
    expect(await h.db.select().from(session).where(eq(session.userId, alice.userId)).all()).toEqual([]);

    const verified = await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: browser.header(), body: { code: right } });
    expect(verified.status).toBe(200);
    expect(browser.absorb(verified).get(SESSION_COOKIE)).toBeDefined();
    expect(await h.json('GET', '/api/v1/me', 200, { cookie: browser.header() })).toMatchObject({ email: alice.email, twoFactorEnabled: true });

    const rawSecret = new TextDecoder().decode(alice.otp.key);
    const base32Secret = new URL(alice.enable.totpURI).searchParams.get('secret') ?? '';
    expect(
      leakedSecrets(h.logger.lines, {
        password: PASSWORD,
        totpSecret: rawSecret,
        totpSecretBase32: base32Secret,
        ...Object.fromEntries(alice.enable.backupCodes.map((c, i) => [`backupCode${i}`, c])),
        ...cookieSecrets(browser.header(), 'sign-in'),
        ...cookieSecrets(alice.cookie, 'enrolment'),
      }),
    ).toEqual([]);
  });

  it('refuses a code without the password step first', async () => {
    const alice = await enrolledUser('alice@berth.test');
    const res = await h.call('POST', '/api/auth/two-factor/verify-totp', { body: { code: alice.code() } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).code).toBe('INVALID_TWO_FACTOR_COOKIE');
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${SESSION_COOKIE}=;`))).toBe(false);
  });

  it('refuses even the right code once three verifications were spent in ten seconds', async () => {
    const alice = await enrolledUser('alice@berth.test');
    const step = await h.call('POST', '/api/auth/sign-in/email', { body: { email: alice.email, password: PASSWORD } });
    const browser = new CookieJar().absorb(step);
    const right = alice.code();
    const wrong = right === '000000' ? '111111' : '000000';
    const statuses: number[] = [];
    // Enrolment spent one verification already.
    for (let i = 0; i < 2; i++) {
      statuses.push((await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: browser.header(), body: { code: wrong } })).status);
    }
    const fourth = await h.call('POST', '/api/auth/two-factor/verify-totp', { cookie: browser.header(), body: { code: right } });
    expect(statuses).toEqual([401, 401]);
    expect(fourth.status).toBe(429);
    expect(new CookieJar().absorb(fourth).get(SESSION_COOKIE)).toBeUndefined();
  });
});
