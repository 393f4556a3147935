import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { user } from '@berth/db';
import { AuthProviders, Invitation, RegistrationPolicy, Tenant, type RegistrationMode } from '@berth/protocol';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';

const PATH = '/api/v1/platform/registration';
const HOUR_MS = 3_600_000;

type Envelope = { error: { code: string; message: string; requestId: string } };

describe('the registration policy', () => {
  let h: Harness;
  let nowMs: number;
  let admin: Awaited<ReturnType<Harness['setupAdmin']>>;
  beforeEach(async () => {
    nowMs = Date.now();
    h = await createHarness({}, { now: () => new Date(nowMs) });
    admin = await h.setupAdmin();
  });
  afterEach(() => h.close());

  const setMode = (mode: RegistrationMode) => expectJson(h, RegistrationPolicy, 'PUT', PATH, 200, { cookie: admin.cookie, body: { mode } });
  const signUp = (email: string) => h.call('POST', '/api/auth/sign-up/email', { body: { email, password: PASSWORD, name: 'Someone' } });
  const userCount = async () => (await h.db.select({ id: user.id }).from(user).all()).length;
  const registrationRows = async () =>
    (
      await h.client.execute({
        sql: "SELECT chain, action, actor_id, result, details FROM audit_log WHERE action IN ('registration.update', 'registration.read', 'auth.sign-up.email') ORDER BY chain, seq",
        args: [],
      })
    ).rows.map((r) => ({ chain: r.chain, action: r.action, actorId: r.actor_id, result: r.result, details: JSON.parse(String(r.details)) }));

  /** A fresh tenant (the admin's: nobody else may sign up in every mode) that has invited `email`. */
  async function invite(email: string, expiresInHours = 24) {
    const owner = admin;
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Host', slug: `host-${Math.random().toString(36).slice(2, 8)}` } });
    const inv = await expectJson(h, Invitation, 'POST', `/api/v1/tenants/${t.id}/invitations`, 201, { cookie: owner.cookie, body: { email, role: 'viewer', expiresInHours } });
    return { owner, tenant: t, invitation: inv };
  }

  /** A refusal in the envelope, with the code asked for. */
  async function expectRefused(res: Response, code: string): Promise<Envelope> {
    const text = await res.text();
    expect(res.status, text).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.getSetCookie()).toEqual([]);
    const body: Envelope = JSON.parse(text);
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toEqual(expect.any(String));
    return body;
  }

  it('is open by default, and says so to the sign-up page', async () => {
    expect(await expectJson(h, RegistrationPolicy, 'GET', PATH, 200, { cookie: admin.cookie })).toEqual({ mode: 'open' });
    expect(await expectJson(h, AuthProviders, 'GET', '/api/v1/auth/providers', 200)).toEqual({ emailPassword: true, oidc: null, registration: 'open' });
    expect((await signUp('anyone@berth.test')).status).toBe(200);
  });

  it('records each change in the platform audit chain with the admin, the old and the new mode', async () => {
    expect(await setMode('invite-only')).toEqual({ mode: 'invite-only' });
    expect(await setMode('closed')).toEqual({ mode: 'closed' });
    expect(await expectJson(h, RegistrationPolicy, 'GET', PATH, 200, { cookie: admin.cookie })).toEqual({ mode: 'closed' });
    expect(await expectJson(h, AuthProviders, 'GET', '/api/v1/auth/providers', 200)).toMatchObject({ registration: 'closed' });
    expect(await registrationRows()).toEqual([
      { chain: 'platform', action: 'registration.update', actorId: admin.userId, result: 'success', details: { from: 'open', to: 'invite-only' } },
      { chain: 'platform', action: 'registration.update', actorId: admin.userId, result: 'success', details: { from: 'invite-only', to: 'closed' } },
    ]);
    const verify = await h.json<{ ok: boolean }>('GET', '/api/v1/admin/audit/verify', 200, { cookie: admin.cookie });
    expect(verify.ok).toBe(true);
  });

  it('refuses a mode it does not know and fields it does not take', async () => {
    for (const body of [{ mode: 'sometimes' }, {}, { mode: 'open', extra: 1 }]) {
      const res = await h.json<Envelope>('PUT', PATH, 400, { cookie: admin.cookie, body });
      expect(res.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await expectJson(h, RegistrationPolicy, 'GET', PATH, 200, { cookie: admin.cookie })).toEqual({ mode: 'open' });
  });

  it('lets nobody but a platform admin read or change it, and audits the refusals', async () => {
    const bob = await h.signUp('bob@berth.test');
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: bob.cookie, body: { name: 'Bob', slug: 'bob-tenant' } });
    const token = await h.json<{ token: string }>('POST', `/api/v1/tenants/${t.id}/tokens`, 201, { cookie: bob.cookie, body: { name: 'ci', role: 'admin' } });

    for (const [caller, status, code] of [
      [{ cookie: bob.cookie }, 403, 'FORBIDDEN'],
      [{ token: token.token }, 403, 'FORBIDDEN'],
      [{}, 401, 'UNAUTHENTICATED'],
    ] as const) {
      expect((await h.json<Envelope>('GET', PATH, status, caller)).error.code).toBe(code);
      expect((await h.json<Envelope>('PUT', PATH, status, { ...caller, body: { mode: 'open' } })).error.code).toBe(code);
    }
    await setMode('closed');
    expect((await h.json<Envelope>('PUT', PATH, 403, { cookie: bob.cookie, body: { mode: 'open' } })).error.code).toBe('FORBIDDEN');
    expect(await expectJson(h, AuthProviders, 'GET', '/api/v1/auth/providers', 200)).toMatchObject({ registration: 'closed' });

    const denied = (await registrationRows()).filter((r) => r.result === 'denied');
    // Bob's and the token's reads and writes, and Bob's write once closed (the anonymous write is
    // counted in a log line, not chained).
    expect(denied.map((r) => `${r.action} ${r.actorId ?? 'anonymous'} ${r.details.code}`)).toEqual([
      `registration.read ${bob.userId} FORBIDDEN`,
      `registration.update ${bob.userId} FORBIDDEN`,
      expect.stringMatching(/^registration\.read \S+ FORBIDDEN$/),
      expect.stringMatching(/^registration\.update \S+ FORBIDDEN$/),
      `registration.update ${bob.userId} FORBIDDEN`,
    ]);
    expect(denied.every((r) => r.chain === 'platform')).toBe(true);
  });

  describe('closed', () => {
    it('refuses every sign-up, registered email or not, with the same answer, and creates nobody', async () => {
      await h.signUp('taken@berth.test');
      await setMode('closed');
      const before = await userCount();
      const fresh = await expectRefused(await signUp('fresh@berth.test'), 'REGISTRATION_CLOSED');
      const taken = await expectRefused(await signUp('taken@berth.test'), 'REGISTRATION_CLOSED');
      expect({ ...taken.error, requestId: '' }).toEqual({ ...fresh.error, requestId: '' });
      expect(await userCount()).toBe(before);
      expect(await h.db.select().from(user).where(eq(user.email, 'fresh@berth.test')).all()).toEqual([]);
    });

    it('refuses even an invited email, and still lets existing accounts sign in', async () => {
      await invite('guest@berth.test');
      await setMode('closed');
      await expectRefused(await signUp('guest@berth.test'), 'REGISTRATION_CLOSED');
      expect((await h.signIn(admin.email)).status).toBe(200);
    });

    it('counts a refused sign-up without chaining it, and logs no email', async () => {
      await setMode('closed');
      const before = (await registrationRows()).filter((r) => r.action === 'auth.sign-up.email');
      await expectRefused(await signUp('secret-person@berth.test'), 'REGISTRATION_CLOSED');
      expect((await registrationRows()).filter((r) => r.action === 'auth.sign-up.email')).toEqual(before);
      const all = await h.client.execute('SELECT details FROM audit_log');
      expect(JSON.stringify(all.rows)).not.toContain('secret-person');
      expect(h.logger.lines.join('\n')).not.toContain('secret-person');
    });

    it('leaves first-boot setup alone: no platform admin creates accounts through it once done', async () => {
      await setMode('closed');
      const again = await h.json<Envelope>('POST', '/api/v1/setup', 409, { body: { token: 'test-setup-token-0123456789', email: 'second@berth.test', password: PASSWORD, name: 'Second' } });
      expect(again.error.code).toBe('SETUP_ALREADY_DONE');
    });
  });

  describe('invite-only', () => {
    beforeEach(async () => {
      await setMode('invite-only');
    });

    it('admits an email holding a pending invitation (any letter case), who can then accept it', async () => {
      const { invitation } = await invite('guest@berth.test');
      expect((await signUp('Guest@Berth.test')).status).toBe(200);
      const res = await h.signIn('guest@berth.test');
      expect(res.status).toBe(200);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      // The invitation waits for the address to be confirmed through the mailed link.
      expect((await h.verifyEmail({ cookie, email: 'guest@berth.test' })).status).toBe(200);
      expect((await h.json<Invitation>('POST', `/api/v1/invitations/${invitation.id}/accept`, 200, { cookie })).status).toBe('accepted');
    });

    it('refuses an email nobody invited, whether or not it is registered, with the same answer', async () => {
      const before = await userCount();
      const fresh = await expectRefused(await signUp('stranger@berth.test'), 'REGISTRATION_INVITE_ONLY');
      const taken = await expectRefused(await signUp('admin@berth.test'), 'REGISTRATION_INVITE_ONLY');
      expect({ ...taken.error, requestId: '' }).toEqual({ ...fresh.error, requestId: '' });
      expect(await userCount()).toBe(before);
    });

    it('refuses an email whose invitation has expired', async () => {
      await invite('late@berth.test', 1);
      nowMs += 2 * HOUR_MS;
      await expectRefused(await signUp('late@berth.test'), 'REGISTRATION_INVITE_ONLY');
      expect(await h.db.select().from(user).where(eq(user.email, 'late@berth.test')).all()).toEqual([]);
    });

    it('refuses an email when the invitation is for another address', async () => {
      await invite('intended@berth.test');
      await expectRefused(await signUp('interloper@berth.test'), 'REGISTRATION_INVITE_ONLY');
      await expectRefused(await signUp('intended@berth.test.evil'), 'REGISTRATION_INVITE_ONLY');
    });

    it('refuses an email whose invitation was revoked', async () => {
      const { owner, tenant, invitation } = await invite('revoked@berth.test');
      await h.json('DELETE', `/api/v1/tenants/${tenant.id}/invitations/${invitation.id}`, 200, { cookie: owner.cookie });
      await expectRefused(await signUp('revoked@berth.test'), 'REGISTRATION_INVITE_ONLY');
    });

    it('answers an invited email that is already registered like any other sign-up (no enumeration)', async () => {
      await setMode('open');
      const member = await h.signUp('member@berth.test');
      await setMode('invite-only');
      await invite('member@berth.test');
      await invite('newcomer@berth.test');
      const taken = await signUp('member@berth.test');
      const fresh = await signUp('newcomer@berth.test');
      expect(taken.status).toBe(200);
      expect(fresh.status).toBe(200);
      expect((await h.signIn('member@berth.test')).status).toBe(200);
      expect((await h.db.select({ id: user.id }).from(user).where(eq(user.email, 'member@berth.test')).all()).map((r) => r.id)).toEqual([member.userId]);
    });
  });
});
