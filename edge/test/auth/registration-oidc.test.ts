import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { account, session, user } from '@berth/db';
import { Tenant } from '@berth/protocol';
import { BASE, createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';
import { startIdp, type IdpConfig, type RunningIdp } from '../support/oidc-idp.ts';
import { signInWithSso } from '../support/sso-flow.ts';

const SESSION_COOKIE = 'berth.session_token';
const CLIENT_SECRET = 'idp-client-secret-registration-0123456789';
const ACCOUNTS = {
  ada: { id: 'ada-sub-101', email: 'ada@idp.test', emailVerified: true, name: 'Ada', password: 'idp-password-ada' },
  grace: { id: 'grace-sub-102', email: 'grace@idp.test', emailVerified: true, name: 'Grace', password: 'idp-password-grace' },
} satisfies Record<string, IdpConfig['accounts'][number]>;

describe('the registration policy on a first sign-in through OpenID Connect', () => {
  let idp: RunningIdp;
  let h: Harness;
  let admin: Awaited<ReturnType<Harness['setupAdmin']>>;

  beforeAll(async () => {
    idp = await startIdp({ clientId: 'berth-test', clientSecret: CLIENT_SECRET, redirectUri: `${BASE}/api/auth/callback/oidc`, accounts: Object.values(ACCOUNTS) });
  });
  afterAll(() => idp.stop());

  beforeEach(async () => {
    h = await createHarness({ BERTH_OIDC_ISSUER: idp.issuer, BERTH_OIDC_CLIENT_ID: 'berth-test', BERTH_OIDC_CLIENT_SECRET: CLIENT_SECRET, BERTH_OIDC_NAME: 'Test IdP' });
    admin = await h.setupAdmin();
  });
  afterEach(() => h.close());

  const setMode = (mode: string) => h.json('PUT', '/api/v1/platform/registration', 200, { cookie: admin.cookie, body: { mode } });
  const usersWith = (email: string) => h.db.select({ id: user.id }).from(user).where(eq(user.email, email)).all();

  it('creates no account when registration is closed, and lands on the error page with the code', async () => {
    await setMode('closed');
    const { browser, landing } = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    expect(landing.pathname).toBe('/api/auth/error');
    expect(landing.searchParams.get('error')).toBe('REGISTRATION_CLOSED');
    expect(browser.app.get(SESSION_COOKIE)).toBeUndefined();
    expect(await usersWith(ACCOUNTS.ada.email)).toEqual([]);
    expect(await h.db.select().from(account).where(eq(account.providerId, 'oidc')).all()).toEqual([]);
  });

  it('still signs in an account that existed before registration closed', async () => {
    const first = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    expect(first.landing.href).toBe(`${BASE}/`);
    const [ada] = await usersWith(ACCOUNTS.ada.email);
    await setMode('closed');
    const again = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    expect(again.landing.href).toBe(`${BASE}/`);
    expect(again.browser.app.get(SESSION_COOKIE)).toBeDefined();
    expect(await h.db.select({ userId: session.userId }).from(session).where(eq(session.userId, ada?.id ?? '')).all()).toHaveLength(2);
  });

  it('admits only an invited email when registration is invite-only', async () => {
    await setMode('invite-only');
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: admin.cookie, body: { name: 'Host', slug: 'oidc-host' } });
    await h.json('POST', `/api/v1/tenants/${t.id}/invitations`, 201, { cookie: admin.cookie, body: { email: ACCOUNTS.grace.email, role: 'viewer' } });

    const uninvited = await signInWithSso(h, idp.issuer, ACCOUNTS.ada);
    expect(uninvited.landing.searchParams.get('error')).toBe('REGISTRATION_INVITE_ONLY');
    expect(uninvited.browser.app.get(SESSION_COOKIE)).toBeUndefined();
    expect(await usersWith(ACCOUNTS.ada.email)).toEqual([]);

    const invited = await signInWithSso(h, idp.issuer, ACCOUNTS.grace);
    expect(invited.landing.href).toBe(`${BASE}/`);
    const me = await h.json<{ email: string }>('GET', '/api/v1/me', 200, { cookie: invited.browser.app.header() });
    expect(me.email).toBe(ACCOUNTS.grace.email);
  });
});
