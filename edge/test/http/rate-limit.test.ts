import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

const WINDOW_S = 60;

/** Each test's own clock; `advance` moves it past a rate-limit window. */
function steppingClock() {
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  return { clock: { now: () => new Date(nowMs) }, advance: (ms: number) => void (nowMs += ms) };
}

const limits = {
  BERTH_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_S),
  BERTH_RATE_LIMIT_ANONYMOUS: '3',
  BERTH_RATE_LIMIT_USER: '4',
  BERTH_RATE_LIMIT_TOKEN: '3',
  BERTH_RATE_LIMIT_TENANT: '5',
  BERTH_RATE_LIMIT_AUTH: '2',
};

async function expectLimited(res: Response, retryAfterS: number) {
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe(String(retryAfterS));
  expect(await res.json()).toMatchObject({ error: { code: 'RATE_LIMITED', requestId: expect.any(String) } });
}

describe('rate limits', () => {
  let h: Harness;
  let time: ReturnType<typeof steppingClock>;
  beforeEach(async () => {
    time = steppingClock();
    // The address comes from the client-ip seam, as the runtime would report it.
    h = await createHarness(limits, time.clock, { clientIp: (c) => c.req.header('x-test-peer') ?? '192.0.2.1' });
  });
  afterEach(() => h.close());

  const from = (ip: string) => ({ headers: { 'x-test-peer': ip } });

  it('limits anonymous callers per address, and lets them in again after the window', async () => {
    for (let i = 0; i < 3; i++) expect((await h.call('GET', '/api/v1/setup', from('198.51.100.7'))).status).toBe(200);
    time.advance(15_000);
    await expectLimited(await h.call('GET', '/api/v1/setup', from('198.51.100.7')), WINDOW_S - 15);
    // Another address has a bucket of its own.
    expect((await h.call('GET', '/api/v1/setup', from('198.51.100.8'))).status).toBe(200);
    time.advance(WINDOW_S * 1000);
    expect((await h.call('GET', '/api/v1/setup', from('198.51.100.7'))).status).toBe(200);
  });

  it('limits a signed-in user per user, whatever the address', async () => {
    const alice = await h.signUp('alice@berth.test');
    const bob = await h.signUp('bob@berth.test');
    time.advance(WINDOW_S * 1000);
    for (let i = 0; i < 4; i++) expect((await h.call('GET', '/api/v1/me', { cookie: alice.cookie, ...from(`203.0.113.${i}`) })).status).toBe(200);
    await expectLimited(await h.call('GET', '/api/v1/me', { cookie: alice.cookie, ...from('203.0.113.99') }), WINDOW_S);
    expect((await h.call('GET', '/api/v1/me', { cookie: bob.cookie })).status).toBe(200);
    time.advance(WINDOW_S * 1000);
    expect((await h.call('GET', '/api/v1/me', { cookie: alice.cookie })).status).toBe(200);
  });

  it('limits an API token per token and all tokens of a tenant together', async () => {
    const owner = await h.signUp('owner@berth.test');
    const t = await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Acme', slug: 'acme' } });
    const mint = () => h.json<{ token: string }>('POST', `/api/v1/tenants/${t.id}/tokens`, 201, { cookie: owner.cookie, body: { name: 'ci', role: 'viewer' } });
    const [one, two] = [(await mint()).token, (await mint()).token];
    time.advance(WINDOW_S * 1000);

    const read = (token: string) => h.call('GET', `/api/v1/tenants/${t.id}`, { token });
    for (let i = 0; i < 3; i++) expect((await read(one)).status).toBe(200);
    await expectLimited(await read(one), WINDOW_S);
    // The tenant's bucket (5) holds one's 3 (a call refused by its token's bucket is not counted
    // there): two gets the remaining 2.
    expect((await read(two)).status).toBe(200);
    expect((await read(two)).status).toBe(200);
    await expectLimited(await read(two), WINDOW_S);
    // The owner's session is a bucket of its own.
    expect((await h.call('GET', `/api/v1/tenants/${t.id}`, { cookie: owner.cookie })).status).toBe(200);
    time.advance(WINDOW_S * 1000);
    expect((await read(one)).status).toBe(200);
    expect((await read(two)).status).toBe(200);
  });

  it('gives sign-in, sign-up and setup a stricter bucket each, per address', async () => {
    const signIn = (ip: string) => h.call('POST', '/api/auth/sign-in/email', { body: { email: 'nobody@berth.test', password: 'wrong-password-1' }, ...from(ip) });
    for (let i = 0; i < 2; i++) expect((await signIn('198.51.100.20')).status).toBe(401);
    await expectLimited(await signIn('198.51.100.20'), WINDOW_S);
    expect((await signIn('198.51.100.21')).status).toBe(401);

    const setup = () => h.call('POST', '/api/v1/setup', { body: { token: 'wrong-token-0123456789', email: 'x@berth.test', password: 'whatever-123', name: 'X' }, ...from('198.51.100.20') });
    for (let i = 0; i < 2; i++) expect((await setup()).status).toBe(403);
    await expectLimited(await setup(), WINDOW_S);
    time.advance(WINDOW_S * 1000);
    expect((await signIn('198.51.100.20')).status).toBe(401);
  });
});
