import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, routeKey } from '../../src/permissions.ts';
import { createHarness, type Harness } from '../support/harness.ts';

/** Every METHOD path the app answers, as `METHOD /path/:param` (middleware rows excluded). */
function registeredRoutes(h: Harness): Set<string> {
  return new Set(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => routeKey(r.method, r.path)));
}

describe('the permission table matches the registered routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('lists every registered route and method', () => {
    const missing = [...registeredRoutes(h)].filter((key) => !(key in PERMISSIONS));
    expect(missing).toEqual([]);
  });

  it('has no row for a route that is not registered', () => {
    const routes = registeredRoutes(h);
    const stale = Object.keys(PERMISSIONS).filter((key) => !routes.has(key));
    expect(stale).toEqual([]);
  });

  it('sees a realistic number of routes, so an empty enumeration cannot pass', () => {
    expect(registeredRoutes(h).size).toBeGreaterThanOrEqual(40);
    expect(registeredRoutes(h).size).toBe(Object.keys(PERMISSIONS).length);
  });
});

describe('a route missing from the permission table', () => {
  let h: Harness;
  let cookie: string | undefined;
  let userId: string;
  beforeAll(async () => {
    h = await createHarness();
    // Registered after createApp, as a forgotten route would be: authorize must still refuse it.
    h.app.get('/api/v1/not-in-table', (c) => c.json({ leaked: true }));
    h.app.post('/api/v1/not-in-table', (c) => c.json({ leaked: true }));
    ({ cookie, userId } = await h.signUp('unlisted@example.com'));
  });
  afterAll(() => h.close());

  const unlistedRows = async () => {
    const rs = await h.client.execute({
      sql: "SELECT chain, actor_type, actor_id, result, details FROM audit_log WHERE action = 'route.unlisted' ORDER BY chain, seq",
      args: [],
    });
    return rs.rows.map((r) => ({ chain: r.chain, actorType: r.actor_type, actorId: r.actor_id, result: r.result, details: JSON.parse(String(r.details)) }));
  };

  it('answers 403 to a signed-in user and records a denied route.unlisted row', async () => {
    const before = (await unlistedRows()).length;
    const res = await h.call('GET', '/api/v1/not-in-table', { cookie });
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).not.toContain('leaked');
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const rows = await unlistedRows();
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toEqual({
      chain: 'platform',
      actorType: 'user',
      actorId: userId,
      result: 'denied',
      details: { code: 'FORBIDDEN', method: 'GET', route: '/api/v1/not-in-table' },
    });
  });

  it('answers 403 to an anonymous write and leaves the audit chain alone', async () => {
    const before = await unlistedRows();
    const res = await h.call('POST', '/api/v1/not-in-table', { body: {} });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('leaked');
    expect(await unlistedRows()).toEqual(before);
  });

  it('keeps a path nobody registered a 404, not a 403', async () => {
    const res = await h.call('GET', '/api/v1/never-registered', { cookie });
    expect(res.status).toBe(404);
  });
});
