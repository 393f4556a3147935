import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Invitation, JoinRequest, Me } from '@berth/protocol';
import { expectJson } from '../support/expect-json.ts';
import { cookieFrom, type Caller } from '../support/harness.ts';
import { tokenIn, linkIn, RESET_SUBJECT, VERIFY_SUBJECT } from '@berth/test-support/inbox';
import { leakedSecrets } from '../support/log-leaks.ts';
import { startMailFixture, type MailFixture } from './mail-fixture.ts';

/** Every test here sends its mail with nodemailer through a real SMTP server process. */
describe('email verification', () => {
  let f: MailFixture;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    f = await startMailFixture();
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    // No mailed token reached the log on any path (SMTP is configured, so nothing should).
    expect(leakedSecrets(f.h.logger.lines, tokens)).toEqual([]);
    await f.stop();
  });

  let n = 0;
  const unique = (label: string) => `${label}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

  async function tenantInviting(email: string) {
    const owner = await f.h.signUp(`${unique('owner')}@mail.test`);
    const slug = unique('team');
    await f.h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Team', slug } });
    const inv = await expectJson(f.h, Invitation, 'POST', `/api/v1/tenants/${slug}/invitations`, 201, { cookie: owner.cookie, body: { email, role: 'operator' } });
    return { owner, slug, inv };
  }

  /** The code of a Berth error envelope or of a better-auth error body. */
  const errorCode = async (res: Response) => {
    const body = (await res.json()) as { error?: { code?: string }; code?: string };
    return { status: res.status, code: body.error?.code ?? body.code };
  };
  const isVerified = async (who: Caller) => (await expectJson(f.h, Me, 'GET', '/api/v1/me', 200, who)).emailVerified;

  it('keeps an invitation from an unverified account, and hands it over once the mailed link is followed', async () => {
    const email = `${unique('bob')}@mail.test`;
    const { inv } = await tenantInviting(email);
    const bob = await f.h.signUp(email, undefined, undefined, { verify: false });
    expect(await isVerified(bob)).toBe(false);

    expect(await errorCode(await f.h.call('GET', '/api/v1/invitations', bob))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
    expect(await errorCode(await f.h.call('POST', `/api/v1/invitations/${inv.id}/accept`, bob))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });

    const mail = await f.h.nextMail(email, VERIFY_SUBJECT);
    tokens.bobVerify = tokenIn(mail);
    // Delivered by SMTP to the address, from the configured sender, linking to the UI's page.
    expect((await f.sink.inbox.all()).find((m) => m.text === mail.text)?.from).toBe('berth@mail.test');
    expect(linkIn(mail).origin + linkIn(mail).pathname).toBe('http://localhost:8787/verify-email/');

    const opened = await f.h.call('GET', `/api/auth/verify-email?token=${encodeURIComponent(tokenIn(mail))}`, bob);
    expect(opened.status).toBe(200);
    expect(await isVerified(bob)).toBe(true);

    const mine = await f.h.json<{ items: { id: string }[] }>('GET', '/api/v1/invitations', 200, bob);
    expect(mine.items.map((i) => i.id)).toEqual([inv.id]);
    expect((await expectJson(f.h, Invitation, 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, bob)).status).toBe('accepted');
  });

  it('lets no one who registers an address they do not own take the invitation sent to it', async () => {
    const victim = `${unique('victim')}@mail.test`;
    const { inv, slug } = await tenantInviting(victim);
    const squatter = await f.h.signUp(victim, 'squatter-password-1', 'Squatter', { verify: false });

    // The verification mail went to the address's mailbox, not to the squatter.
    const mail = await f.h.nextMail(victim, VERIFY_SUBJECT);
    tokens.squatterVerify = tokenIn(mail);
    expect((await f.sink.inbox.all()).filter((m) => m.text === mail.text).map((m) => m.to)).toEqual([victim]);

    // Guessing or forging a token fails, and so does every door an email opens.
    expect((await f.h.call('GET', '/api/auth/verify-email?token=not-a-real-token', squatter)).status).toBe(401);
    expect(await errorCode(await f.h.call('GET', '/api/v1/invitations', squatter))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
    expect(await errorCode(await f.h.call('POST', `/api/v1/invitations/${inv.id}/accept`, squatter))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
    expect(await errorCode(await f.h.call('POST', `/api/v1/tenants/${slug}/join-requests`, { ...squatter, body: {} }))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });

    // The mailbox owner opening the link without the squatter's session does not verify it.
    const other = await f.h.signUp(`${unique('owner-other-account')}@mail.test`);
    for (const as of [{}, other]) {
      expect(await errorCode(await f.h.call('GET', `/api/auth/verify-email?token=${encodeURIComponent(tokenIn(mail))}`, as))).toEqual({ status: 403, code: 'VERIFY_WHILE_SIGNED_IN' });
    }
    expect(await isVerified(squatter)).toBe(false);
    expect(await errorCode(await f.h.call('POST', `/api/v1/invitations/${inv.id}/accept`, squatter))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });

    // The owner takes the address back with a password reset: the squatter is signed out.
    await f.h.json('POST', '/api/auth/request-password-reset', 200, { body: { email: victim } });
    const reset = await f.h.nextMail(victim, RESET_SUBJECT);
    tokens.takeBack = tokenIn(reset);
    await f.h.json('POST', '/api/auth/reset-password', 200, { body: { token: tokenIn(reset), newPassword: 'owner-took-it-back-1' } });
    expect((await f.h.call('GET', '/api/v1/me', squatter)).status).toBe(401);
    expect((await f.h.signIn(victim, 'squatter-password-1')).status).toBe(401);
    const signedIn = await f.h.signIn(victim, 'owner-took-it-back-1');
    expect(signedIn.status).toBe(200);
    const owner = { cookie: cookieFrom(signedIn) };
    expect(await isVerified(owner)).toBe(true);
    expect((await expectJson(f.h, Invitation, 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, owner)).status).toBe('accepted');
  });

  it('asks to join a tenant only from a verified address', async () => {
    const { slug } = await tenantInviting(`${unique('someone')}@mail.test`);
    const email = `${unique('joiner')}@mail.test`;
    const joiner = await f.h.signUp(email, undefined, undefined, { verify: false });
    expect(await errorCode(await f.h.call('POST', `/api/v1/tenants/${slug}/join-requests`, { ...joiner, body: {} }))).toEqual({ status: 403, code: 'EMAIL_NOT_VERIFIED' });
    expect((await f.h.verifyEmail(joiner)).status).toBe(200);
    expect((await expectJson(f.h, JoinRequest, 'POST', `/api/v1/tenants/${slug}/join-requests`, 201, { ...joiner, body: {} })).status).toBe('pending');
  });

  it('mails a fresh link on request, and refuses a link older than 24 hours', async () => {
    const email = `${unique('late')}@mail.test`;
    const late = await f.h.signUp(email, undefined, undefined, { verify: false });
    const first = await f.h.nextMail(email, VERIFY_SUBJECT);
    tokens.lateFirst = tokenIn(first);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 25 * 3_600_000);
    expect(await errorCode(await f.h.call('GET', `/api/auth/verify-email?token=${encodeURIComponent(tokenIn(first))}`, late))).toEqual({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(await isVerified(late)).toBe(false);

    await f.h.json('POST', '/api/auth/send-verification-email', 200, { ...late, body: { email } });
    const again = await f.h.nextMail(email, VERIFY_SUBJECT);
    tokens.lateAgain = tokenIn(again);
    expect(tokenIn(again)).not.toBe(tokenIn(first));
    expect((await f.h.call('GET', `/api/auth/verify-email?token=${encodeURIComponent(tokenIn(again))}`, late)).status).toBe(200);
    expect(await isVerified(late)).toBe(true);
    vi.useRealTimers();
  });

  it('counts the first administrator, created with the setup token, as verified', async () => {
    const admin = await f.h.setupAdmin(`${unique('admin')}@mail.test`);
    expect(await isVerified(admin)).toBe(true);
  });
});
