import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { session } from '@berth/db';
import { createHarness, cookieFrom, PASSWORD, type Harness } from '../support/harness.ts';
import { cookieSecrets, leakedSecrets } from '../support/log-leaks.ts';

/** The JSON type of every leaf, so two answers can be compared without their values. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shapeOf(v)]));
  }
  return value === null ? 'null' : typeof value;
}

describe('email and password', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const signUp = (email: string, password: string) => h.call('POST', '/api/auth/sign-up/email', { body: { email, password, name: 'Someone' } });

  it('accepts passwords of 8 to 128 characters and refuses the rest', async () => {
    const tooShort = await signUp('short@berth.test', 'a'.repeat(7));
    expect(tooShort.status).toBe(400);
    expect(((await tooShort.json()) as { code: string }).code).toBe('PASSWORD_TOO_SHORT');
    const tooLong = await signUp('long@berth.test', 'a'.repeat(129));
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { code: string }).code).toBe('PASSWORD_TOO_LONG');

    for (const [email, password] of [
      ['eight@berth.test', 'b'.repeat(8)],
      ['sixty-four@berth.test', 'c'.repeat(64)],
      ['max@berth.test', 'd'.repeat(128)],
    ] as const) {
      expect((await signUp(email, password)).status).toBe(200);
      expect((await h.signIn(email, password)).status).toBe(200);
    }
    expect((await h.signIn('short@berth.test', 'a'.repeat(7))).status).toBe(401);
    expect((await h.signIn('long@berth.test', 'a'.repeat(129))).status).toBe(400);
  });

  it('answers a sign-up with a taken email exactly like a new one and keeps the old password', async () => {
    const owner = await h.signUp('taken@berth.test');
    const fresh = await signUp('fresh@berth.test', 'fresh-password-123');
    const taken = await signUp('taken@berth.test', 'attacker-password-123');

    expect(taken.status).toBe(fresh.status);
    expect(taken.headers.getSetCookie()).toEqual(fresh.headers.getSetCookie());
    const [freshBody, takenBody] = (await Promise.all([fresh.json(), taken.json()])) as { token: null; user: { id: string; email: string } }[];
    expect(shapeOf(takenBody)).toEqual(shapeOf(freshBody));
    expect(takenBody?.token).toBeNull();
    expect(takenBody?.user.email).toBe('taken@berth.test');
    expect(takenBody?.user.id).not.toBe(owner.userId);

    expect((await h.signIn('taken@berth.test', 'attacker-password-123')).status).toBe(401);
    expect((await h.signIn('taken@berth.test', PASSWORD)).status).toBe(200);
    expect(leakedSecrets(h.logger.lines, { password: PASSWORD, attackerPassword: 'attacker-password-123', freshPassword: 'fresh-password-123' })).toEqual([]);
  });

  it('answers a wrong password and an unknown email with the same status and body', async () => {
    await h.signUp('known@berth.test');
    const wrongPassword = await h.signIn('known@berth.test', 'not-the-password');
    const unknownEmail = await h.signIn('nobody@berth.test', 'not-the-password');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const [a, b] = await Promise.all([wrongPassword.json(), unknownEmail.json()]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ code: 'INVALID_EMAIL_OR_PASSWORD' });
    expect(wrongPassword.headers.getSetCookie()).toEqual([]);
    expect(unknownEmail.headers.getSetCookie()).toEqual([]);
  });

  it('ends the session on sign-out', async () => {
    const alice = await h.signUp('alice@berth.test');
    expect((await h.call('GET', '/api/v1/me', { cookie: alice.cookie })).status).toBe(200);
    expect((await h.call('POST', '/api/auth/sign-out', { cookie: alice.cookie })).status).toBe(200);
    const after = await h.json<{ error: { code: string } }>('GET', '/api/v1/me', 401, { cookie: alice.cookie });
    expect(after.error.code).toBe('UNAUTHENTICATED');
    expect(await h.db.select().from(session).where(eq(session.userId, alice.userId)).all()).toEqual([]);
    expect(leakedSecrets(h.logger.lines, { password: PASSWORD, ...cookieSecrets(alice.cookie, 'session') })).toEqual([]);
  });

  it('revokes every session of the user, and only theirs', async () => {
    const alice = await h.signUp('alice@berth.test');
    const laptop = cookieFrom(await h.signIn(alice.email));
    const bob = await h.signUp('bob@berth.test');

    expect((await h.call('POST', '/api/auth/revoke-sessions', { cookie: alice.cookie, body: {} })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { cookie: alice.cookie })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/me', { cookie: laptop })).status).toBe(401);
    expect((await h.call('GET', '/api/v1/me', { cookie: bob.cookie })).status).toBe(200);
    expect(await h.db.select().from(session).where(eq(session.userId, alice.userId)).all()).toEqual([]);
  });

  it('revokes the other sessions while keeping the current one', async () => {
    const alice = await h.signUp('alice@berth.test');
    const laptop = cookieFrom(await h.signIn(alice.email));
    expect((await h.call('POST', '/api/auth/revoke-other-sessions', { cookie: alice.cookie, body: {} })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { cookie: alice.cookie })).status).toBe(200);
    expect((await h.call('GET', '/api/v1/me', { cookie: laptop })).status).toBe(401);
  });
});
