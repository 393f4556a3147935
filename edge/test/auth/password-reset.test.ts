import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cookieFrom, createHarness, PASSWORD } from '../support/harness.ts';
import { linkIn, tokenIn, RESET_SUBJECT } from '@berth/test-support/inbox';
import { cookieSecrets, leakedSecrets } from '../support/log-leaks.ts';
import { LOG_MAILER_MESSAGE } from '../../src/mail/mailer.ts';
import { startMailFixture, type MailFixture } from './mail-fixture.ts';

/** Every test here but the last sends its mail with nodemailer through a real SMTP server process. */
describe('password reset by email', () => {
  let f: MailFixture;
  const secrets: Record<string, string> = {};
  beforeAll(async () => {
    f = await startMailFixture();
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    // With SMTP configured, no reset token, password or session reached the log on any path.
    expect(leakedSecrets(f.h.logger.lines, secrets)).toEqual([]);
    await f.stop();
  });

  let n = 0;
  const unique = (label: string) => `${label}-${++n}-${Math.random().toString(36).slice(2, 8)}@mail.test`;
  const requestReset = (email: string) => f.h.call('POST', '/api/auth/request-password-reset', { body: { email } });
  const reset = (token: string, newPassword: string) => f.h.call('POST', '/api/auth/reset-password', { body: { token, newPassword } });
  const code = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { code?: string }).code });

  it('resets through the mailed link once, and signs the account out everywhere', async () => {
    const email = unique('alice');
    const alice = await f.h.signUp(email);
    const laptop = cookieFrom(await f.h.signIn(email));
    Object.assign(secrets, cookieSecrets(alice.cookie, 'phone'), cookieSecrets(laptop, 'laptop'));

    expect((await requestReset(email)).status).toBe(200);
    const mail = await f.h.nextMail(email, RESET_SUBJECT);
    const token = tokenIn(mail);
    secrets.token = token;
    expect(linkIn(mail).origin + linkIn(mail).pathname).toBe('http://localhost:8787/reset-password/');

    secrets.newPassword = 'a-brand-new-password-1';
    expect((await reset(token, secrets.newPassword)).status).toBe(200);
    for (const cookie of [alice.cookie, laptop]) expect((await f.h.call('GET', '/api/v1/me', { cookie })).status).toBe(401);
    expect((await f.h.signIn(email, PASSWORD)).status).toBe(401);
    expect((await f.h.signIn(email, secrets.newPassword)).status).toBe(200);

    // better-auth's own callback route (Berth never mails it) names the token in its path.
    await f.h.call('GET', `/api/auth/reset-password/${token}?callbackURL=%2F`);

    // Single use: the same link cannot set another password.
    expect(await code(await reset(token, 'a-second-new-password-2'))).toEqual({ status: 400, code: 'INVALID_TOKEN' });
    expect((await f.h.signIn(email, 'a-second-new-password-2')).status).toBe(401);
  });

  it('refuses a link older than 30 minutes', async () => {
    const email = unique('slow');
    await f.h.signUp(email);
    await requestReset(email);
    const token = tokenIn(await f.h.nextMail(email, RESET_SUBJECT));
    secrets.expiredToken = token;

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31 * 60_000);
    expect(await code(await reset(token, 'too-late-password-1'))).toEqual({ status: 400, code: 'INVALID_TOKEN' });
    vi.useRealTimers();
    expect((await f.h.signIn(email, PASSWORD)).status).toBe(200);
  });

  it('answers an unknown email exactly as a known one, and mails no one for it', async () => {
    const known = unique('known');
    const unknown = unique('nobody');
    await f.h.signUp(known);
    const forUnknown = await requestReset(unknown);
    const forKnown = await requestReset(known);
    expect(forUnknown.status).toBe(forKnown.status);
    expect(await forUnknown.text()).toBe(await forKnown.text());

    secrets.knownToken = tokenIn(await f.h.nextMail(known, RESET_SUBJECT));
    expect((await f.sink.inbox.all()).filter((m) => m.to === unknown)).toEqual([]);
  });

  it('refuses a made-up token and a too-short new password without changing anything', async () => {
    const email = unique('carol');
    await f.h.signUp(email);
    expect(await code(await reset('made-up-token-000000000000', 'whatever-password-1'))).toEqual({ status: 400, code: 'INVALID_TOKEN' });
    await requestReset(email);
    const token = tokenIn(await f.h.nextMail(email, RESET_SUBJECT));
    secrets.carolToken = token;
    expect(await code(await reset(token, 'short'))).toEqual({ status: 400, code: 'PASSWORD_TOO_SHORT' });
    // A refused attempt does not use the link up.
    expect((await reset(token, 'long-enough-password-1')).status).toBe(200);
  });

  it('without SMTP, writes the link to the log in the mail line and nowhere else', async () => {
    const h = await createHarness({}, undefined, { mail: { kind: 'log' } });
    try {
      const email = unique('local');
      await h.signUp(email);
      await h.json('POST', '/api/auth/request-password-reset', 200, { body: { email } });
      const token = tokenIn(await h.nextMail(email, RESET_SUBJECT));
      await h.json('POST', '/api/auth/reset-password', 200, { body: { token, newPassword: 'local-new-password-1' } });
      const mailLines = h.logger.lines.filter((l) => l.includes(LOG_MAILER_MESSAGE));
      expect(leakedSecrets(mailLines, { token })).toEqual(['token']);
      expect(leakedSecrets(h.logger.lines.filter((l) => !mailLines.includes(l)), { token })).toEqual([]);
    } finally {
      h.close();
    }
  });
});
