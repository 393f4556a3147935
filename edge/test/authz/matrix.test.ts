import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Invitation, ROLE_RANK, type Role } from '@berth/protocol';
import { PERMISSIONS } from '../../src/permissions.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import {
  ACTORS,
  addMember,
  askToJoin,
  buildWorld,
  createTenant,
  credentialsOf,
  emailOf,
  factsOf,
  mintToken,
  signUpPeople,
  uniqueSlug,
  type ActorFacts,
  type ActorName,
  type People,
  type World,
} from './matrix-fixtures.ts';
import { expectJson } from '../support/expect-json.ts';
import { FakeAgent } from '../agents/fake-agent.ts';

/*
 * The policy, stated once and independently of src/permissions.ts:
 *   signed-in  any signed-in user; an API token is refused (403), nobody signed in is 401.
 *   visitor    like signed-in, on a tenant that exists; members may ask too (and hear 409).
 *   member     a member of :tenant (or a token of it) with at least `min`; a lower role is 403;
 *              `tokens: false` refuses tokens (403); anyone who is not in the tenant gets 404,
 *              exactly as if it did not exist; nobody signed in is 401.
 *   quota-admin  platform administrators on any tenant; members of it are refused (403),
 *              other users do not see it (404), tokens are refused (403).
 */
type Who =
  | { kind: 'signed-in' }
  | { kind: 'visitor' }
  | { kind: 'member'; min: Role; tokens: boolean }
  | { kind: 'quota-admin' };

type Outcome = 'allowed' | 401 | 403 | 404;

function expectedOutcome(who: Who, a: ActorFacts): Outcome {
  if (a.kind === 'anonymous') return 401;
  switch (who.kind) {
    case 'signed-in':
    case 'visitor':
      return a.kind === 'token' ? 403 : 'allowed';
    case 'member':
      if (a.roleInA === null) return 404;
      if (a.kind === 'token' && !who.tokens) return 403;
      return ROLE_RANK[a.roleInA] >= ROLE_RANK[who.min] ? 'allowed' : 403;
    case 'quota-admin':
      if (a.kind === 'token') return 403;
      if (a.platformAdmin) return 'allowed';
      return a.roleInA === null ? 404 : 403;
  }
}

const signedIn: Who = { kind: 'signed-in' };
const member = (min: Role, tokens = true): Who => ({ kind: 'member', min, tokens });

interface Request {
  path: string;
  body?: unknown;
  /** The success answer is an event stream that never ends: check the status, then hang up. */
  stream?: boolean;
  /** An allowed caller's answer when it is not the route's success status (a domain rule). */
  allowedAnswer?: { status: number; code: string };
}

interface Row {
  who: Who;
  success: number;
  /** True when an allowed call changes state: every actor then gets a freshly built world. */
  mutates: boolean;
  /** Allowed calls wait on something slow (an agent that never answers): run them side by side. */
  slow?: boolean;
  prepare(ctx: { h: Harness; p: People; w: World; actor: ActorName }): Promise<Request>;
}

const T = '/api/v1/tenants/:tenant';
const tenantPath = (w: World, rest = '') => `/api/v1/tenants/${w.tenantId}${rest}`;
const QUOTA = { maxAgentServices: 7, maxTotalReplicas: 9, maxCpuCores: 2.5, maxMemoryMb: 4096 };

const MATRIX: Record<string, Row> = {
  'GET /api/v1/me': { who: signedIn, success: 200, mutates: false, prepare: async () => ({ path: '/api/v1/me' }) },
  'GET /api/v1/tenants': { who: signedIn, success: 200, mutates: false, prepare: async () => ({ path: '/api/v1/tenants' }) },
  'POST /api/v1/tenants': {
    who: signedIn,
    success: 201,
    mutates: false, // creates a new tenant of its own; nothing shared changes
    prepare: async () => {
      const slug = uniqueSlug('new');
      return { path: '/api/v1/tenants', body: { name: 'New', slug } };
    },
  },
  'GET /api/v1/invitations': { who: signedIn, success: 200, mutates: false, prepare: async () => ({ path: '/api/v1/invitations' }) },
  'POST /api/v1/invitations/:invitationId/accept': {
    who: signedIn,
    success: 200,
    mutates: true,
    prepare: async ({ h, p, actor }) => {
      // A tenant the actor is not in, inviting the actor's own email.
      const host = await createTenant(h, p.joiner, 'host');
      const email = emailOf(actor, p);
      const inv = await expectJson(h, Invitation, 'POST', `/api/v1/tenants/${host.id}/invitations`, 201, {
        cookie: p.joiner.cookie,
        body: { email: email ?? 'nobody@nowhere.test', role: 'viewer' },
      });
      return { path: `/api/v1/invitations/${inv.id}/accept` };
    },
  },

  [`GET ${T}`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w) }) },
  [`PATCH ${T}`]: { who: member('admin'), success: 200, mutates: true, prepare: async ({ w }) => ({ path: tenantPath(w), body: { name: 'Renamed' } }) },
  [`DELETE ${T}`]: { who: member('owner', false), success: 200, mutates: true, prepare: async ({ w }) => ({ path: tenantPath(w) }) },

  [`GET ${T}/members`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/members') }) },
  [`PATCH ${T}/members/:userId`]: {
    who: member('admin'),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      await addMember(h, w.tenantId, p.owner, p.joiner, 'viewer');
      return { path: tenantPath(w, `/members/${p.joiner.userId}`), body: { role: 'operator' } };
    },
  },
  [`DELETE ${T}/members/:userId`]: {
    who: member('admin'),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      await addMember(h, w.tenantId, p.owner, p.joiner, 'viewer');
      return { path: tenantPath(w, `/members/${p.joiner.userId}`) };
    },
  },

  [`POST ${T}/invitations`]: {
    who: member('admin'),
    success: 201,
    mutates: true,
    prepare: async ({ w }) => ({ path: tenantPath(w, '/invitations'), body: { email: `${uniqueSlug('guest')}@example.com`, role: 'viewer' } }),
  },
  [`GET ${T}/invitations`]: { who: member('admin'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/invitations') }) },
  [`DELETE ${T}/invitations/:invitationId`]: {
    who: member('admin'),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      const inv = await expectJson(h, Invitation, 'POST', tenantPath(w, '/invitations'), 201, { cookie: p.owner.cookie, body: { email: 'later@example.com', role: 'viewer' } });
      return { path: tenantPath(w, `/invitations/${inv.id}`) };
    },
  },

  [`POST ${T}/join-requests`]: {
    who: { kind: 'visitor' },
    success: 201,
    mutates: true,
    prepare: async ({ w, actor }) => ({
      path: tenantPath(w, '/join-requests'),
      body: { message: 'hello' },
      ...(factsOf(actor).roleInA ? { allowedAnswer: { status: 409, code: 'ALREADY_MEMBER' } } : {}),
    }),
  },
  [`GET ${T}/join-requests`]: { who: member('admin'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/join-requests') }) },
  [`POST ${T}/join-requests/:requestId/approve`]: {
    who: member('admin'),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      const jr = await askToJoin(h, w.tenantId, p.joiner);
      return { path: tenantPath(w, `/join-requests/${jr.id}/approve`), body: { role: 'viewer' } };
    },
  },
  [`POST ${T}/join-requests/:requestId/reject`]: {
    who: member('admin'),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      const jr = await askToJoin(h, w.tenantId, p.joiner);
      return { path: tenantPath(w, `/join-requests/${jr.id}/reject`) };
    },
  },

  [`POST ${T}/tokens`]: {
    who: member('admin', false),
    success: 201,
    mutates: true,
    prepare: async ({ w }) => ({ path: tenantPath(w, '/tokens'), body: { name: 'ci', role: 'viewer', expiresInDays: 30 } }),
  },
  [`GET ${T}/tokens`]: { who: member('admin'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/tokens') }) },
  [`DELETE ${T}/tokens/:tokenId`]: {
    who: member('admin'),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      const spare = await mintToken(h, w.tenantId, p.owner, 'viewer');
      return { path: tenantPath(w, `/tokens/${spare.id}`) };
    },
  },

  [`GET ${T}/quota`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/quota') }) },
  [`PUT ${T}/quota`]: { who: { kind: 'quota-admin' }, success: 200, mutates: true, prepare: async ({ w }) => ({ path: tenantPath(w, '/quota'), body: QUOTA }) },

  [`POST ${T}/clusters`]: { who: member('admin', false), success: 201, mutates: true, prepare: async ({ w }) => ({ path: tenantPath(w, '/clusters'), body: { name: 'own' } }) },
  [`GET ${T}/clusters`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/clusters') }) },
  [`POST ${T}/clusters/:clusterId/join-tokens`]: {
    who: member('admin', false),
    success: 201,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      const own = await expectJson(h, ClusterJoin, 'POST', tenantPath(w, '/clusters'), 201, { cookie: p.owner.cookie, body: { name: 'own' } });
      return { path: tenantPath(w, `/clusters/${own.cluster.id}/join-tokens`), body: {} };
    },
  },
  [`POST ${T}/clusters/:clusterId/agents/:agentId/revoke`]: {
    who: member('admin', false),
    success: 200,
    mutates: true,
    prepare: async ({ h, p, w }) => {
      const own = await expectJson(h, ClusterJoin, 'POST', tenantPath(w, '/clusters'), 201, { cookie: p.owner.cookie, body: { name: 'own' } });
      const enrolled = await FakeAgent.enroll(h, own.joinToken);
      return { path: tenantPath(w, `/clusters/${own.cluster.id}/agents/${enrolled.agentId}/revoke`) };
    },
  },
  [`POST ${T}/agents`]: { who: member('operator'), success: 202, mutates: true, prepare: async ({ w }) => ({ path: tenantPath(w, '/agents'), body: SERVICE }) },
  [`GET ${T}/agents`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/agents') }) },
  [`GET ${T}/agents/:agent`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, `/agents/${SERVICE.name}`) }) },
  [`PATCH ${T}/agents/:agent`]: { who: member('operator'), success: 202, mutates: true, prepare: async (c) => ({ path: await withService(c), body: { replicas: 2 } }) },
  [`POST ${T}/agents/:agent/scale`]: { who: member('operator'), success: 202, mutates: true, prepare: async (c) => ({ path: `${await withService(c)}/scale`, body: { replicas: 2 } }) },
  [`POST ${T}/agents/:agent/restart`]: { who: member('operator'), success: 202, mutates: true, prepare: async (c) => ({ path: `${await withService(c)}/restart` }) },
  [`POST ${T}/agents/:agent/stop`]: { who: member('operator'), success: 202, mutates: true, prepare: async (c) => ({ path: `${await withService(c)}/stop` }) },
  [`POST ${T}/agents/:agent/start`]: {
    who: member('operator'),
    success: 202,
    mutates: true,
    prepare: async (c) => {
      const path = await withService(c);
      await c.h.json('POST', `${path}/stop`, 202, { cookie: c.p.owner.cookie });
      return { path: `${path}/start` };
    },
  },
  [`DELETE ${T}/agents/:agent`]: { who: member('operator'), success: 202, mutates: true, prepare: async (c) => ({ path: await withService(c) }) },
  [`GET ${T}/agents/:agent/logs`]: {
    who: member('operator'),
    success: 200,
    mutates: false,
    slow: true,
    // No agent is connected in this test, so an allowed caller waits for one and is told so.
    prepare: async ({ w }) => ({ path: tenantPath(w, `/agents/${SERVICE.name}/logs`), allowedAnswer: { status: 503, code: 'AGENT_UNAVAILABLE' } }),
  },
  [`GET ${T}/usage`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/usage') }) },
  [`GET ${T}/usage/history`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/usage/history?bucket=minute&from=' + new Date(Date.now() - 3_600_000).toISOString()) }) },
  [`GET ${T}/events`]: { who: member('viewer'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/events'), stream: true }) },

  [`GET ${T}/audit`]: { who: member('admin'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/audit') }) },
  [`GET ${T}/audit/verify`]: { who: member('admin'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/audit/verify') }) },
  [`GET ${T}/audit/export`]: { who: member('admin'), success: 200, mutates: false, prepare: async ({ w }) => ({ path: tenantPath(w, '/audit/export') }) },
};

const ClusterJoin = z.object({ cluster: z.object({ id: z.string() }), joinToken: z.string() });
const SERVICE = { name: 'svc', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } };

/** Creates the agent service in a fresh world; answers its path. */
async function withService({ h, p, w }: { h: Harness; p: People; w: World }) {
  await h.json('POST', tenantPath(w, '/agents'), 202, { cookie: p.owner.cookie, body: SERVICE });
  return tenantPath(w, `/agents/${SERVICE.name}`);
}

const SCOPED_ACCESS = new Set(['user', 'tenant', 'tenant-visitor', 'tenant-platform-admin']);

async function chainLength(h: Harness, chain: string): Promise<number> {
  const rs = await h.client.execute({ sql: 'SELECT count(*) AS n FROM audit_log WHERE chain = ?', args: [chain] });
  return Number(rs.rows[0]?.n);
}

async function lastRow(h: Harness, chain: string) {
  const rs = await h.client.execute({
    sql: 'SELECT action, actor_id, result, details FROM audit_log WHERE chain = ? ORDER BY seq DESC LIMIT 1',
    args: [chain],
  });
  const r = rs.rows[0];
  return r && { action: r.action, actorId: r.actor_id, result: r.result, code: JSON.parse(String(r.details)).code };
}

const CODE_OF: Record<401 | 403 | 404, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

describe('authorization matrix: every user- and tenant-scoped route × every kind of caller', () => {
  let h: Harness;
  let people: People;
  let shared: World;
  beforeAll(async () => {
    h = await createHarness();
    people = await signUpPeople(h);
    await h.json('POST', '/api/v1/clusters', 201, { cookie: people.platformAdmin.cookie, body: { name: 'shared' } });
    shared = await buildWorld(h, people);
    await withService({ h, p: people, w: shared });
    await createTenant(h, people.outsider, 'b'); // the outsider is an owner, just not of A
    await askToJoin(h, shared.tenantId, people.joiner); // so list routes have something to list
  });
  afterAll(() => h.close());

  it('covers exactly the routes of the permission table that have a user or tenant scope', () => {
    const scoped = Object.entries(PERMISSIONS)
      .filter(([, rule]) => SCOPED_ACCESS.has(rule.access.kind))
      .map(([key]) => key)
      .sort();
    expect(Object.keys(MATRIX).sort()).toEqual(scoped);
  });

  describe.each(Object.entries(MATRIX))('%s', (key, row) => {
    const method = key.split(' ')[0] as string;
    const cases = ACTORS.map((actor) => ({ actor, outcome: expectedOutcome(row.who, factsOf(actor)) }));
    const run = async ({ actor, outcome }: (typeof cases)[number]) => {
      const w = row.mutates ? await buildWorld(h, people) : shared;
      const req = await row.prepare({ h, p: people, w, actor });
      const { caller, actorId } = credentialsOf(actor, people, w);
      const before = { tenant: await chainLength(h, w.tenantId), platform: await chainLength(h, 'platform') };

      const res = await h.call(method, req.path, { ...caller, ...(req.body !== undefined ? { body: req.body } : {}) });
      if (outcome === 'allowed' && req.stream) {
        expect(res.status).toBe(row.success);
        expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
        await res.body?.cancel();
        return;
      }
      const text = await res.text();

      if (outcome === 'allowed') {
        const answer = req.allowedAnswer ?? { status: row.success, code: undefined };
        expect(res.status, text).toBe(answer.status);
        if (answer.code) expect(JSON.parse(text).error.code).toBe(answer.code);
        return;
      }
      expect(res.status, text).toBe(outcome);
      expect(JSON.parse(text).error.code).toBe(CODE_OF[outcome]);

      // Denials are audited: in A's chain when the caller belongs to A, otherwise on the
      // platform chain (A's log is not touched by strangers). Anonymous refusals are counted in
      // a log line, never chained: anyone could fill the chain with them.
      const after = { tenant: await chainLength(h, w.tenantId), platform: await chainLength(h, 'platform') };
      const facts = factsOf(actor);
      if (facts.kind === 'anonymous') {
        expect(after).toEqual(before);
        return;
      }
      const inA = facts.roleInA !== null && key.includes(` ${T}`);
      const [hit, untouched] = inA ? (['tenant', 'platform'] as const) : (['platform', 'tenant'] as const);
      expect(after[hit]).toBe(before[hit] + 1);
      expect(after[untouched]).toBe(before[untouched]);
      const rule = PERMISSIONS[key];
      expect(await lastRow(h, inA ? w.tenantId : 'platform')).toEqual({ action: `${rule?.resource}.${rule?.action}`, actorId, result: 'denied', code: CODE_OF[outcome] });
    };
    const denied = cases.filter((c) => c.outcome !== 'allowed');
    const allowed = cases.filter((c) => c.outcome === 'allowed');
    // Denials count audit rows, so they run one at a time; slow allowed calls write none and may overlap.
    if (denied.length > 0) it.each(denied)('answers $actor with $outcome', run);
    if (allowed.length > 0) (row.slow ? it.concurrent : it).each(allowed)('answers $actor with $outcome', run);
  });
});
