import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMutating, PERMISSIONS } from '../../src/permissions.ts';
import { createHarness, type Harness } from '../support/harness.ts';

const EVIL = 'http://evil.example';
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/** A concrete path for a route pattern: parameters name nothing that exists, so allowed calls change nothing. */
const concrete = (pattern: string) => pattern.replace(/:[A-Za-z]+/g, NO_SUCH_ID).replace('*', 'origin-probe');

const mutating = Object.keys(PERMISSIONS)
  .map((key) => {
    const [method = '', pattern = ''] = key.split(' ');
    return { method, pattern };
  })
  .filter((r) => isMutating(r.method));

const auditRows = async (h: Harness) => Number((await h.client.execute('SELECT count(*) AS n FROM audit_log')).rows[0]?.n);

describe('cookie-authenticated writes from a foreign origin', () => {
  let h: Harness;
  let cookie: string | undefined;
  beforeAll(async () => {
    h = await createHarness();
    ({ cookie } = await h.setupAdmin());
  });
  afterAll(() => h.close());

  it('covers every mutating route of the permission table', () => {
    expect(mutating.length).toBeGreaterThanOrEqual(25);
  });

  it.each(mutating)('refuses $method $pattern with 403 ORIGIN_NOT_TRUSTED before anything happens', async ({ method, pattern }) => {
    const before = await auditRows(h);
    const res = await h.call(method, concrete(pattern), { cookie, body: {}, headers: { origin: EVIL } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'ORIGIN_NOT_TRUSTED' } });
    expect(await auditRows(h)).toBe(before);
  });

  it.each(mutating)('lets $method $pattern through the origin check from a trusted origin', async ({ method, pattern }) => {
    const res = await h.call(method, concrete(pattern), { cookie, body: {}, headers: { origin: 'http://127.0.0.1:8787' } });
    const text = await res.text();
    expect(text).not.toContain('ORIGIN_NOT_TRUSTED');
  });

  it("falls back to the Referer's origin, and refuses a cookie write with neither", async () => {
    const post = (headers: Record<string, string>) => h.call('POST', '/api/v1/tenants', { cookie, body: { name: 'Probe', slug: 'probe' }, headers });
    // `call` adds a trusted Origin unless the test replaces it; an empty one is no origin at all.
    expect(await (await post({ origin: '', referer: `${EVIL}/page` })).json()).toMatchObject({ error: { code: 'ORIGIN_NOT_TRUSTED' } });
    expect((await post({ origin: 'null' })).status).toBe(403);
    const withReferer = await post({ origin: '', referer: 'http://localhost:8787/tenants/new' });
    expect(withReferer.status).toBe(201);
  });

  it('does not check requests that carry an API token instead of a cookie', async () => {
    const t = await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Tokens', slug: 'tokens' } });
    const { token } = await h.json<{ token: string }>('POST', `/api/v1/tenants/${t.id}/tokens`, 201, { cookie, body: { name: 'ci', role: 'admin' } });
    const res = await h.call('PATCH', `/api/v1/tenants/${t.id}`, { token, body: { name: 'Renamed' }, headers: { origin: EVIL } });
    expect(res.status).toBe(200);
  });
});

// A browser sends whatever cookies it holds for the host, and better-auth checks the Origin of
// any request that carries one: that is how sign-up from 127.0.0.1 used to fail.
const BROWSER_COOKIE = { cookie: 'theme=dark' };

describe('signing up from a loopback origin other than localhost', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it.each(['http://127.0.0.1:8787', 'http://[::1]:8787'])('works from %s', async (origin) => {
    const email = `user-${origin.length}-${origin.includes('[') ? 'v6' : 'v4'}@berth.test`;
    const res = await h.call('POST', '/api/auth/sign-up/email', { body: { email, password: 'correct-horse-battery', name: 'Loop' }, headers: { origin, ...BROWSER_COOKIE } });
    expect(res.status, await res.clone().text()).toBe(200);
    const signIn = await h.call('POST', '/api/auth/sign-in/email', { body: { email, password: 'correct-horse-battery' }, headers: { origin, ...BROWSER_COOKIE } });
    expect(signIn.status).toBe(200);
  });

  it('is refused from a foreign origin', async () => {
    const res = await h.call('POST', '/api/auth/sign-up/email', { body: { email: 'evil@berth.test', password: 'correct-horse-battery', name: 'Evil' }, headers: { origin: EVIL, ...BROWSER_COOKIE } });
    expect(res.status).toBe(403);
  });
});
