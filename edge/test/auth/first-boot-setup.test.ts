import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { platformState, user } from '@berth/db';
import { createHarness, cookieFrom, PASSWORD, SETUP_TOKEN, type Harness } from '../support/harness.ts';
import { cookieSecrets, leakedSecrets } from '../support/log-leaks.ts';

interface ErrorBody {
  error: { code: string };
}

const setupBody = (token: string, email = 'root@berth.test') => ({ token, email, password: PASSWORD, name: 'Root' });

describe('first boot', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const users = () => h.db.select({ id: user.id, email: user.email, platformRole: user.platformRole }).from(user).all();

  it('refuses setup with a wrong token or none, and creates nothing', async () => {
    const wrong = await h.json<ErrorBody>('POST', '/api/v1/setup', 403, { body: setupBody('not-the-setup-token-at-all') });
    expect(wrong.error.code).toBe('SETUP_TOKEN_INVALID');
    // Same length as the real token, one character off.
    const nearMiss = `${SETUP_TOKEN.slice(0, -1)}${SETUP_TOKEN.endsWith('9') ? '8' : '9'}`;
    const near = await h.json<ErrorBody>('POST', '/api/v1/setup', 403, { body: setupBody(nearMiss) });
    expect(near.error.code).toBe('SETUP_TOKEN_INVALID');
    // Without a token the body does not validate at all.
    const { token: _omitted, ...noToken } = setupBody(SETUP_TOKEN);
    const missing = await h.json<ErrorBody>('POST', '/api/v1/setup', 400, { body: noToken });
    expect(missing.error.code).toBe('VALIDATION_FAILED');

    expect(await users()).toEqual([]);
    expect(await h.db.select().from(platformState).where(eq(platformState.key, 'setup')).all()).toEqual([]);
    expect(await h.json('GET', '/api/v1/setup', 200)).toEqual({ needsSetup: true });
    expect((await h.signIn('root@berth.test')).status).toBe(401);
  });

  it('creates a platform admin with the token, who can then sign in', async () => {
    expect(await h.json('GET', '/api/v1/setup', 200)).toEqual({ needsSetup: true });
    const created = await h.json<{ userId: string; email: string }>('POST', '/api/v1/setup', 201, { body: setupBody(SETUP_TOKEN, 'Root@Berth.TEST') });
    expect(created.email).toBe('root@berth.test');
    expect(await h.json('GET', '/api/v1/setup', 200)).toEqual({ needsSetup: false });

    const signIn = await h.signIn('root@berth.test');
    expect(signIn.status).toBe(200);
    const cookie = cookieFrom(signIn);
    const me = await h.json<{ id: string; platformRole: string; email: string }>('GET', '/api/v1/me', 200, { cookie });
    expect(me).toMatchObject({ id: created.userId, email: 'root@berth.test', platformRole: 'admin' });

    const audit = await h.json<{ items: { action: string; targetId: string | null; result: string }[] }>('GET', '/api/v1/admin/audit?action=setup.run', 200, { cookie });
    expect(audit.items).toEqual([expect.objectContaining({ action: 'setup.run', targetId: created.userId })]);

    expect(leakedSecrets(h.logger.lines, { setupToken: SETUP_TOKEN, password: PASSWORD, ...cookieSecrets(cookie, 'session') })).toEqual([]);
    expect(h.logger.lines.length).toBeGreaterThan(0);
  });

  it('refuses a second setup, even with the right token', async () => {
    await h.json('POST', '/api/v1/setup', 201, { body: setupBody(SETUP_TOKEN) });
    const again = await h.json<ErrorBody>('POST', '/api/v1/setup', 409, { body: setupBody(SETUP_TOKEN, 'second@berth.test') });
    expect(again.error.code).toBe('SETUP_ALREADY_DONE');
    expect((await users()).map((u) => u.email)).toEqual(['root@berth.test']);
    expect((await h.signIn('second@berth.test')).status).toBe(401);
  });

  it('lets exactly one of five concurrent setups succeed', async () => {
    const attempts = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => h.call('POST', '/api/v1/setup', { body: setupBody(SETUP_TOKEN, `racer${i}@berth.test`) })),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const res of attempts.filter((r) => r.status === 409)) {
      expect(((await res.json()) as ErrorBody).error.code).toBe('SETUP_ALREADY_DONE');
    }
    const all = await users();
    expect(all).toHaveLength(1);
    expect(all[0]?.platformRole).toBe('admin');
    expect(await h.db.select().from(platformState).where(eq(platformState.key, 'setup')).all()).toHaveLength(1);
  });

  it('makes no platform admin through sign-up or a profile update', async () => {
    const signUp = await h.call('POST', '/api/auth/sign-up/email', {
      body: { email: 'sneaky@berth.test', password: PASSWORD, name: 'Sneaky', platformRole: 'admin' },
    });
    // On create, better-auth replaces an `input: false` field with its default.
    expect(signUp.status).toBe(200);
    expect(await users()).toEqual([expect.objectContaining({ email: 'sneaky@berth.test', platformRole: 'user' })]);

    const plain = await h.signUp('plain@berth.test');
    const update = await h.call('POST', '/api/auth/update-user', { cookie: plain.cookie, body: { platformRole: 'admin' } });
    expect(update.status).toBe(400);
    const me = await h.json<{ platformRole: string }>('GET', '/api/v1/me', 200, { cookie: plain.cookie });
    expect(me.platformRole).toBe('user');
    expect((await users()).map((u) => u.platformRole)).toEqual(['user', 'user']);
    expect(await h.json('GET', '/api/v1/setup', 200)).toEqual({ needsSetup: true });
  });
});
