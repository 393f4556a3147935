import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';
import { cookieSecrets, leakedSecrets } from '../support/log-leaks.ts';

interface UserPage {
  items: { id: string; email: string; platformRole: string; active: boolean }[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}
interface AuditPage {
  items: { action: string; actorId: string | null; targetId: string | null; result: string; details: Record<string, unknown> | null }[];
}
type ErrorBody = { error: { code: string } };

describe('the platform admin users page', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  it('pages through users with correct totals and clamps a page past the end', async () => {
    const admin = await h.setupAdmin();
    for (let i = 1; i <= 6; i++) {
      await h.json('POST', '/api/auth/sign-up/email', 200, { body: { email: `user${i}@berth.test`, password: PASSWORD, name: `User ${i}` } });
    }
    const page = (q: string) => h.json<UserPage>('GET', `/api/v1/admin/users?${q}`, 200, { cookie: admin.cookie });

    const first = await page('page=1&limit=3');
    expect({ ...first, items: first.items.length }).toEqual({ items: 3, page: 1, limit: 3, total: 7, totalPages: 3 });
    const second = await page('page=2&limit=3');
    const third = await page('page=3&limit=3');
    expect(third).toMatchObject({ page: 3, total: 7, totalPages: 3 });
    expect(third.items).toHaveLength(1);
    const emails = [...first.items, ...second.items, ...third.items].map((u) => u.email);
    expect(emails).toEqual(['admin@berth.test', ...[1, 2, 3, 4, 5, 6].map((i) => `user${i}@berth.test`)]);
    expect(first.items[0]).toMatchObject({ platformRole: 'admin', active: true });

    expect(await page('page=99&limit=3')).toEqual(third);
    const all = await page('limit=100');
    expect({ page: all.page, totalPages: all.totalPages, count: all.items.length }).toEqual({ page: 1, totalPages: 1, count: 7 });
    expect(await page('')).toMatchObject({ page: 1, limit: 20, total: 7, totalPages: 1 });

    for (const bad of ['limit=0', 'limit=101', 'page=0', 'page=abc']) {
      const res = await h.json<ErrorBody>('GET', `/api/v1/admin/users?${bad}`, 400, { cookie: admin.cookie });
      expect(res.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it("ends a deactivated user's session at once and refuses sign-in only after the right password", async () => {
    const admin = await h.setupAdmin();
    const bob = await h.signUp('bob@berth.test');
    expect((await h.call('GET', '/api/v1/me', { cookie: bob.cookie })).status).toBe(200);

    const deactivated = await h.json<{ id: string; active: boolean }>('POST', `/api/v1/admin/users/${bob.userId}/deactivate`, 200, { cookie: admin.cookie });
    expect(deactivated).toMatchObject({ id: bob.userId, active: false });
    expect((await h.call('GET', '/api/v1/me', { cookie: bob.cookie })).status).toBe(401);

    const wrongPassword = await h.signIn(bob.email, 'not-the-password');
    const unknown = await h.signIn('nobody@berth.test', 'not-the-password');
    expect(wrongPassword.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await unknown.json());

    const rightPassword = await h.signIn(bob.email, PASSWORD);
    expect(rightPassword.status).toBe(403);
    expect(await rightPassword.json()).toMatchObject({ code: 'ACCOUNT_DEACTIVATED' });
    expect(rightPassword.headers.getSetCookie().filter((c) => /^berth\.session_token=[^;]/.test(c))).toEqual([]);

    const listed = await h.json<UserPage>('GET', '/api/v1/admin/users', 200, { cookie: admin.cookie });
    expect(listed.items.find((u) => u.id === bob.userId)?.active).toBe(false);

    const reactivated = await h.json<{ active: boolean }>('POST', `/api/v1/admin/users/${bob.userId}/reactivate`, 200, { cookie: admin.cookie });
    expect(reactivated.active).toBe(true);
    // The old session stays ended; a new sign-in works.
    expect((await h.call('GET', '/api/v1/me', { cookie: bob.cookie })).status).toBe(401);
    expect((await h.signIn(bob.email, PASSWORD)).status).toBe(200);

    expect(leakedSecrets(h.logger.lines, { password: PASSWORD, ...cookieSecrets(bob.cookie, 'bob'), ...cookieSecrets(admin.cookie, 'admin') })).toEqual([]);
  });

  it('never lets an admin deactivate themself', async () => {
    const admin = await h.setupAdmin();
    const res = await h.json<ErrorBody>('POST', `/api/v1/admin/users/${admin.userId}/deactivate`, 409, { cookie: admin.cookie });
    expect(res.error.code).toBe('SELF_DEACTIVATION');
    expect(await h.json('GET', '/api/v1/me', 200, { cookie: admin.cookie })).toMatchObject({ platformRole: 'admin' });
    const listed = await h.json<UserPage>('GET', '/api/v1/admin/users', 200, { cookie: admin.cookie });
    expect(listed.items.find((u) => u.id === admin.userId)?.active).toBe(true);
  });

  it('answers 403 to non-admins and 401 to anonymous callers, and 404 for an unknown user', async () => {
    const admin = await h.setupAdmin();
    const carol = await h.signUp('carol@berth.test');
    const routes: [string, string][] = [
      ['GET', '/api/v1/admin/users'],
      ['POST', `/api/v1/admin/users/${admin.userId}/deactivate`],
      ['POST', `/api/v1/admin/users/${carol.userId}/reactivate`],
      ['GET', '/api/v1/admin/audit'],
    ];
    for (const [method, path] of routes) {
      expect((await h.json<ErrorBody>(method, path, 403, { cookie: carol.cookie })).error.code).toBe('FORBIDDEN');
      expect((await h.json<ErrorBody>(method, path, 401)).error.code).toBe('UNAUTHENTICATED');
    }
    expect(await h.json('GET', '/api/v1/me', 200, { cookie: admin.cookie })).toMatchObject({ platformRole: 'admin' });
    const missing = await h.json<ErrorBody>('POST', '/api/v1/admin/users/no-such-user/deactivate', 404, { cookie: admin.cookie });
    expect(missing.error.code).toBe('NOT_FOUND');
  });

  it('writes an audit row on the platform chain for each change', async () => {
    const admin = await h.setupAdmin();
    const bob = await h.signUp('bob@berth.test');
    await h.json('POST', `/api/v1/admin/users/${bob.userId}/deactivate`, 200, { cookie: admin.cookie });
    await h.json('POST', `/api/v1/admin/users/${bob.userId}/reactivate`, 200, { cookie: admin.cookie });
    await h.json('POST', `/api/v1/admin/users/${admin.userId}/deactivate`, 409, { cookie: admin.cookie });

    const audit = (action: string) => h.json<AuditPage>('GET', `/api/v1/admin/audit?action=${action}`, 200, { cookie: admin.cookie });
    expect((await audit('user.deactivate')).items).toEqual([
      expect.objectContaining({ actorId: admin.userId, targetId: bob.userId, result: 'success' }),
    ]);
    expect((await audit('user.reactivate')).items).toEqual([
      expect.objectContaining({ actorId: admin.userId, targetId: bob.userId, result: 'success' }),
    ]);
    expect((await audit('request.refused')).items).toContainEqual(
      expect.objectContaining({ actorId: admin.userId, result: 'failure', details: { code: 'SELF_DEACTIVATION' } }),
    );
    expect(await h.json('GET', '/api/v1/admin/audit/verify', 200, { cookie: admin.cookie })).toMatchObject({ ok: true });
  });
});
