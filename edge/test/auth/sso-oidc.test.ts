import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { account, session, user } from '@berth/db';
import { BASE, createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { startIdp, type IdpConfig, type RunningIdp } from '../support/oidc-idp.ts';
import { signInWithSso } from '../support/sso-flow.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { cookieSecrets, leakedSecrets } from '../support/log-leaks.ts';

const SESSION_COOKIE = 'berth.session_token';
const CLIENT_SECRET = 'idp-client-secret-0123456789abcdef';
const ACCOUNTS = {
  ada: { id: 'ada-sub-001', email: 'ada@idp.test', emailVerified: true, name: 'Ada Lovelace', password: 'idp-password-ada' },
  // Claims an address that already belongs to a Berth password account, without verifying it.
  mallory: {
    id: 'mallory-sub-003',
    email: 'mallory@idp.test',
    emailVerified: true,
    name: 'Mallory',
    password: 'idp-password-mallory',
    extraClaims: { platformRole: 'admin' },
  },
  squatter: { id: 'squatter-sub-002', email: 'owner@berth.test', emailVerified: false, name: 'Squatter', password: 'idp-password-squat' },
} satisfies Record<string, IdpConfig['accounts'][number]>;

describe('single sign-on through a real OpenID provider', () => {
  let idp: RunningIdp;
  let h: Harness;

  beforeAll(async () => {
    idp = await startIdp({
      clientId: 'berth-test',
      clientSecret: CLIENT_SECRET,
      redirectUri: `${BASE}/api/auth/callback/oidc`,
      accounts: Object.values(ACCOUNTS),
    });
  });
  afterAll(() => idp.stop());

  beforeEach(async () => {
    h = await createHarness({
      BERTH_OIDC_ISSUER: idp.issuer,
      BERTH_OIDC_CLIENT_ID: 'berth-test',
      BERTH_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      BERTH_OIDC_NAME: 'Test IdP',
    });
  });
  afterEach(() => h.close());

  it('offers the SSO button only when an issuer is configured', async () => {
    expect(await h.json('GET', '/api/v1/auth/providers', 200)).toEqual({ emailPassword: true, oidc: { providerId: 'oidc', name: 'Test IdP' }, registration: 'open' });
    const plain = await createHarness();
    try {
      expect(await plain.json('GET', '/api/v1/auth/providers', 200)).toEqual({ emailPassword: true, oidc: null, registration: 'open' });
    } finally {
      plain.close();
    }
  });

  it("signs in through the provider's login and consent and lands with a Berth session", async () => {
    const { browser, landing, loginStatus } = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    expect(loginStatus).toBe(303);
    expect(landing.href).toBe(`${BASE}/`);
    expect(browser.app.get(SESSION_COOKIE)).toBeDefined();
    const cookie = browser.app.header();
    const me = await h.json<{ email: string; name: string; platformRole: string }>('GET', '/api/v1/me', 200, { cookie });
    expect(me).toMatchObject({ email: ACCOUNTS.ada.email, name: ACCOUNTS.ada.name, platformRole: 'user' });

    const links = await h.db.select({ providerId: account.providerId, accountId: account.accountId }).from(account).all();
    expect(links).toEqual([{ providerId: 'oidc', accountId: ACCOUNTS.ada.id }]);

    // A second sign-in reuses the same Berth user.
    const again = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    const meAgain = await h.json<{ id: string }>('GET', '/api/v1/me', 200, { cookie: again.browser.app.header() });
    expect(await h.db.select({ id: user.id }).from(user).all()).toEqual([{ id: meAgain.id }]);

    expect(
      leakedSecrets(h.logger.lines, {
        clientSecret: CLIENT_SECRET,
        idpPassword: ACCOUNTS.ada.password,
        ...cookieSecrets(cookie, 'first'),
        ...cookieSecrets(again.browser.app.header(), 'second'),
      }),
    ).toEqual([]);
  });

  it('makes no platform admin from a role claim the provider sends', async () => {
    const { browser, landing } = await signInWithSso(h, idp.issuer, ACCOUNTS.mallory);
    expect(landing.href).toBe(`${BASE}/`);
    const me = await h.json<{ email: string; platformRole: string }>('GET', '/api/v1/me', 200, { cookie: browser.app.header() });
    expect(me).toMatchObject({ email: ACCOUNTS.mallory.email, platformRole: 'user' });
    expect(await h.db.select({ platformRole: user.platformRole }).from(user).all()).toEqual([{ platformRole: 'user' }]);
  });

  it('gives no session when the provider refuses the login', async () => {
    const { browser, loginStatus, landing } = await signInWithSso(h, idp.issuer, { id: ACCOUNTS.ada.id, password: 'wrong-idp-password' });
    expect(loginStatus).toBe(401);
    expect(landing.origin).toBe(idp.issuer);
    expect(browser.app.get(SESSION_COOKIE)).toBeUndefined();
    expect(await h.db.select().from(session).all()).toEqual([]);
    expect(await h.db.select().from(user).all()).toEqual([]);
  });

  it('gives no session for a callback with a forged code and state', async () => {
    const res = await h.call('GET', '/api/auth/callback/oidc?code=forged-code&state=forged-state');
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '', BASE).searchParams.get('error')).toBe('state_mismatch');
    expect(new CookieJar().absorb(res).get(SESSION_COOKIE)).toBeUndefined();
    expect(await h.db.select().from(session).all()).toEqual([]);
  });

  it('refuses a deactivated user who signs in through the provider', async () => {
    const admin = await h.setupAdmin();
    const first = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    const me = await h.json<{ id: string }>('GET', '/api/v1/me', 200, { cookie: first.browser.app.header() });
    await h.json('POST', `/api/v1/admin/users/${me.id}/deactivate`, 200, { cookie: admin.cookie });

    const after = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    expect(after.landing.pathname).toBe('/api/auth/error');
    expect(after.landing.searchParams.get('error')).toBe('ACCOUNT_DEACTIVATED');
    expect(after.browser.app.get(SESSION_COOKIE)).toBeUndefined();
    expect(await h.db.select().from(session).where(eq(session.userId, me.id)).all()).toEqual([]);
  });

  it('does not hand an existing password account to an unverified provider email', async () => {
    const owner = await h.signUp('owner@berth.test');
    const { browser, landing } = await signInWithSso(h, idp.issuer, ACCOUNTS.squatter);
    expect(landing.pathname).toBe('/api/auth/error');
    expect(landing.searchParams.get('error')).toBe('account_not_linked');
    expect(browser.app.get(SESSION_COOKIE)).toBeUndefined();
    // Only the owner's own password sign-in session exists.
    expect(await h.db.select({ userId: session.userId }).from(session).all()).toEqual([{ userId: owner.userId }]);
    expect(await h.db.select().from(account).where(eq(account.providerId, 'oidc')).all()).toEqual([]);
    expect((await h.signIn(owner.email, PASSWORD)).status).toBe(200);
  });
});
