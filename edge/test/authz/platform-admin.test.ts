import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tenant } from '@berth/protocol';
import { PERMISSIONS } from '../../src/permissions.ts';
import { createHarness, type Caller, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';

/*
 * The policy for platform-admin routes, stated independently of src/permissions.ts: a signed-in
 * user who is not a platform admin is refused (403), so is any API token (403, even an owner's),
 * and nobody signed in is 401. Every refusal of a signed-in caller or token lands in the platform
 * chain; anonymous refusals are counted in a log line instead.
 * Allowed calls are each feature's own tests (admin users, clusters, registration, audit).
 */
const PLATFORM_ROUTES = Object.entries(PERMISSIONS)
  .filter(([, rule]) => rule.access.kind === 'platform-admin')
  .map(([key, rule]) => {
    const [method, pattern] = key.split(' ') as [string, string];
    // Refused before any handler runs, so any parameter value will do.
    return { key, method, path: pattern.replace(/:[A-Za-z]+/g, 'some-id'), action: `${rule.resource}.${rule.action}` };
  });

const BODY: Record<string, unknown> = { PUT: { mode: 'closed' }, POST: {} };

describe('platform-admin routes refuse everyone but a platform admin', () => {
  let h: Harness;
  let callers: { name: string; caller: Caller; actorId: string | null; status: 401 | 403 }[];
  beforeAll(async () => {
    h = await createHarness();
    await h.setupAdmin();
    const owner = await h.signUp('owner@tenant.test');
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'T', slug: 'platform-probe' } });
    const token = await h.json<{ id: string; token: string }>('POST', `/api/v1/tenants/${t.id}/tokens`, 201, { cookie: owner.cookie, body: { name: 'ci', role: 'owner' } });
    callers = [
      { name: 'tenant owner', caller: { cookie: owner.cookie }, actorId: owner.userId, status: 403 },
      { name: 'owner API token', caller: { token: token.token }, actorId: token.id, status: 403 },
      { name: 'anonymous', caller: {}, actorId: null, status: 401 },
    ];
  });
  afterAll(() => h.close());

  it('covers a realistic number of routes, so an empty list cannot pass', () => {
    expect(PLATFORM_ROUTES.length).toBeGreaterThanOrEqual(12);
    expect(PLATFORM_ROUTES.map((r) => r.key)).toEqual(expect.arrayContaining(['GET /api/v1/platform/registration', 'PUT /api/v1/platform/registration']));
  });

  it.each(PLATFORM_ROUTES)('$key', async ({ method, path, action }) => {
    for (const { name, caller, actorId, status } of callers) {
      const mark = Number((await h.client.execute('SELECT coalesce(max(rowid), 0) AS m FROM audit_log')).rows[0]?.m);
      const body = BODY[method];
      const res = await h.call(method, path, { ...caller, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      expect(res.status, `${name}: ${text}`).toBe(status);
      expect(JSON.parse(text).error.code).toBe(status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');

      const rows = (await h.client.execute({ sql: 'SELECT chain, action, actor_id, result FROM audit_log WHERE rowid > ?', args: [mark] })).rows.map((r) => ({ ...r }));
      if (actorId === null) expect(rows, name).toEqual([]);
      else expect(rows, name).toEqual([{ chain: 'platform', action, actor_id: actorId, result: 'denied' }]);
    }
  });
});
