import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreatedApiToken, Invitation, JoinRequest, Tenant } from '@berth/protocol';
import { PERMISSIONS } from '../../src/permissions.ts';
import { createHarness, type Caller, type Harness } from '../support/harness.ts';
import { expectJson, signUpAll } from '../support/expect-json.ts';

type Person = Caller & { userId: string; email: string };

interface Change {
  path: string;
  as: Caller;
  body?: unknown;
  status: number;
  /** The chain the row must land in: a tenant id, 'platform', or read from the answer. */
  chain: string | ((answer: unknown) => string);
  action: string;
  actor: { type: 'user' | 'token' | 'anonymous'; id: string | null };
}

interface Ctx {
  h: Harness;
  owner: Person;
  bob: Person;
  visitor: Person;
  target: Person;
  admin: Person;
  sharedClusterId: string;
}

const ClusterJoin = z.object({ cluster: z.object({ id: z.string() }), joinToken: z.string() });
const Service = z.object({ id: z.string(), name: z.string() });
let n = 0;
const slug = () => `rows-${++n}`;

async function tenantOf(c: Ctx) {
  return expectJson(c.h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: c.owner.cookie, body: { name: 'Rows', slug: slug() } });
}
async function withMember(c: Ctx, tenantId: string, who: Person, role = 'viewer') {
  const inv = await expectJson(c.h, Invitation, 'POST', `/api/v1/tenants/${tenantId}/invitations`, 201, { cookie: c.owner.cookie, body: { email: who.email, role } });
  await expectJson(c.h, Invitation, 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: who.cookie });
}
async function withService(c: Ctx, tenantId: string) {
  const body = { name: 'svc', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } };
  return expectJson(c.h, Service, 'POST', `/api/v1/tenants/${tenantId}/agents`, 202, { cookie: c.owner.cookie, body });
}
const asUser = (p: Person) => ({ type: 'user' as const, id: p.userId });

/** Enrolls a node agent with a fresh key; answers its id. */
async function enrollOn(c: Ctx, joinToken: string): Promise<string> {
  const keys = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', (keys as CryptoKeyPair).publicKey);
  const body = { token: joinToken, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, hostname: 'node-1', swarmNodeId: 'swarm-node-1', agentVersion: '0.1.0' };
  return (await expectJson(c.h, z.object({ agentId: z.string() }), 'POST', '/api/v1/agents/enroll', 201, { body })).agentId;
}

/** One successful call per mutating route, each on state built for it alone. */
const CHANGES: Record<string, (c: Ctx) => Promise<Change>> = {
  'POST /api/v1/tenants': async (c) => ({
    path: '/api/v1/tenants', as: c.owner, body: { name: 'New', slug: slug() }, status: 201,
    chain: (a) => Tenant.parse(a).id, action: 'tenant.create', actor: asUser(c.owner),
  }),
  'PATCH /api/v1/tenants/:tenant': async (c) => {
    const t = await tenantOf(c);
    return { path: `/api/v1/tenants/${t.id}`, as: c.owner, body: { name: 'Renamed' }, status: 200, chain: t.id, action: 'tenant.update', actor: asUser(c.owner) };
  },
  'DELETE /api/v1/tenants/:tenant': async (c) => {
    const t = await tenantOf(c);
    return { path: `/api/v1/tenants/${t.id}`, as: c.owner, status: 200, chain: t.id, action: 'tenant.delete', actor: asUser(c.owner) };
  },
  'PATCH /api/v1/tenants/:tenant/members/:userId': async (c) => {
    const t = await tenantOf(c);
    await withMember(c, t.id, c.bob);
    return { path: `/api/v1/tenants/${t.id}/members/${c.bob.userId}`, as: c.owner, body: { role: 'operator' }, status: 200, chain: t.id, action: 'member.update', actor: asUser(c.owner) };
  },
  'DELETE /api/v1/tenants/:tenant/members/:userId': async (c) => {
    const t = await tenantOf(c);
    await withMember(c, t.id, c.bob);
    return { path: `/api/v1/tenants/${t.id}/members/${c.bob.userId}`, as: c.owner, status: 200, chain: t.id, action: 'member.remove', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/invitations': async (c) => {
    const t = await tenantOf(c);
    return { path: `/api/v1/tenants/${t.id}/invitations`, as: c.owner, body: { email: 'new@rows.test', role: 'viewer' }, status: 201, chain: t.id, action: 'invitation.create', actor: asUser(c.owner) };
  },
  'DELETE /api/v1/tenants/:tenant/invitations/:invitationId': async (c) => {
    const t = await tenantOf(c);
    const inv = await expectJson(c.h, Invitation, 'POST', `/api/v1/tenants/${t.id}/invitations`, 201, { cookie: c.owner.cookie, body: { email: 'gone@rows.test', role: 'viewer' } });
    return { path: `/api/v1/tenants/${t.id}/invitations/${inv.id}`, as: c.owner, status: 200, chain: t.id, action: 'invitation.revoke', actor: asUser(c.owner) };
  },
  'POST /api/v1/invitations/:invitationId/accept': async (c) => {
    const t = await tenantOf(c);
    const inv = await expectJson(c.h, Invitation, 'POST', `/api/v1/tenants/${t.id}/invitations`, 201, { cookie: c.owner.cookie, body: { email: c.bob.email, role: 'viewer' } });
    return { path: `/api/v1/invitations/${inv.id}/accept`, as: c.bob, status: 200, chain: t.id, action: 'invitation.accept', actor: asUser(c.bob) };
  },
  'POST /api/v1/tenants/:tenant/join-requests': async (c) => {
    const t = await tenantOf(c);
    return { path: `/api/v1/tenants/${t.id}/join-requests`, as: c.visitor, body: {}, status: 201, chain: t.id, action: 'join-request.create', actor: asUser(c.visitor) };
  },
  'POST /api/v1/tenants/:tenant/join-requests/:requestId/approve': async (c) => {
    const t = await tenantOf(c);
    const jr = await expectJson(c.h, JoinRequest, 'POST', `/api/v1/tenants/${t.id}/join-requests`, 201, { cookie: c.visitor.cookie, body: {} });
    return { path: `/api/v1/tenants/${t.id}/join-requests/${jr.id}/approve`, as: c.owner, body: { role: 'viewer' }, status: 200, chain: t.id, action: 'join-request.approve', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/join-requests/:requestId/reject': async (c) => {
    const t = await tenantOf(c);
    const jr = await expectJson(c.h, JoinRequest, 'POST', `/api/v1/tenants/${t.id}/join-requests`, 201, { cookie: c.visitor.cookie, body: {} });
    return { path: `/api/v1/tenants/${t.id}/join-requests/${jr.id}/reject`, as: c.owner, status: 200, chain: t.id, action: 'join-request.reject', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/tokens': async (c) => {
    const t = await tenantOf(c);
    return { path: `/api/v1/tenants/${t.id}/tokens`, as: c.owner, body: { name: 'ci', role: 'viewer' }, status: 201, chain: t.id, action: 'token.create', actor: asUser(c.owner) };
  },
  'DELETE /api/v1/tenants/:tenant/tokens/:tokenId': async (c) => {
    // Done by an admin token, so the row names a token actor.
    const t = await tenantOf(c);
    const mint = (role: string) => expectJson(c.h, CreatedApiToken, 'POST', `/api/v1/tenants/${t.id}/tokens`, 201, { cookie: c.owner.cookie, body: { name: role, role } });
    const [admin, victim] = [await mint('admin'), await mint('viewer')];
    return { path: `/api/v1/tenants/${t.id}/tokens/${victim.id}`, as: { token: admin.token }, status: 200, chain: t.id, action: 'token.revoke', actor: { type: 'token', id: admin.id } };
  },
  'PUT /api/v1/tenants/:tenant/quota': async (c) => {
    const t = await tenantOf(c);
    const body = { maxAgentServices: 1, maxTotalReplicas: 2, maxCpuCores: 1, maxMemoryMb: 512 };
    return { path: `/api/v1/tenants/${t.id}/quota`, as: c.admin, body, status: 200, chain: t.id, action: 'quota.update', actor: asUser(c.admin) };
  },
  'POST /api/v1/admin/users/:userId/deactivate': async (c) => {
    await c.h.json('POST', `/api/v1/admin/users/${c.target.userId}/reactivate`, 200, { cookie: c.admin.cookie });
    return { path: `/api/v1/admin/users/${c.target.userId}/deactivate`, as: c.admin, status: 200, chain: 'platform', action: 'user.deactivate', actor: asUser(c.admin) };
  },
  'POST /api/v1/admin/users/:userId/reactivate': async (c) => {
    await c.h.json('POST', `/api/v1/admin/users/${c.target.userId}/deactivate`, 200, { cookie: c.admin.cookie });
    return { path: `/api/v1/admin/users/${c.target.userId}/reactivate`, as: c.admin, status: 200, chain: 'platform', action: 'user.reactivate', actor: asUser(c.admin) };
  },
  'PUT /api/v1/platform/registration': async (c) => ({
    path: '/api/v1/platform/registration', as: c.admin, body: { mode: 'invite-only' }, status: 200, chain: 'platform', action: 'registration.update', actor: asUser(c.admin),
  }),
  'POST /api/v1/clusters': async (c) => ({
    path: '/api/v1/clusters', as: c.admin, body: { name: 'another shared' }, status: 201, chain: 'platform', action: 'cluster.create', actor: asUser(c.admin),
  }),
  'POST /api/v1/clusters/:clusterId/join-tokens': async (c) => ({
    path: `/api/v1/clusters/${c.sharedClusterId}/join-tokens`, as: c.admin, body: {}, status: 201, chain: 'platform', action: 'cluster.join-token', actor: asUser(c.admin),
  }),
  'POST /api/v1/tenants/:tenant/clusters': async (c) => {
    const t = await tenantOf(c);
    return { path: `/api/v1/tenants/${t.id}/clusters`, as: c.owner, body: { name: 'own' }, status: 201, chain: t.id, action: 'cluster.create', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/clusters/:clusterId/join-tokens': async (c) => {
    const t = await tenantOf(c);
    const own = await expectJson(c.h, ClusterJoin, 'POST', `/api/v1/tenants/${t.id}/clusters`, 201, { cookie: c.owner.cookie, body: { name: 'own' } });
    return { path: `/api/v1/tenants/${t.id}/clusters/${own.cluster.id}/join-tokens`, as: c.owner, body: {}, status: 201, chain: t.id, action: 'cluster.join-token', actor: asUser(c.owner) };
  },
  'POST /api/v1/clusters/:clusterId/agents/:agentId/revoke': async (c) => {
    const join = await expectJson(c.h, ClusterJoin, 'POST', `/api/v1/clusters/${c.sharedClusterId}/join-tokens`, 201, { cookie: c.admin.cookie, body: {} });
    const agentId = await enrollOn(c, join.joinToken);
    return { path: `/api/v1/clusters/${c.sharedClusterId}/agents/${agentId}/revoke`, as: c.admin, status: 200, chain: 'platform', action: 'cluster.agent-revoke', actor: asUser(c.admin) };
  },
  'POST /api/v1/tenants/:tenant/clusters/:clusterId/agents/:agentId/revoke': async (c) => {
    const t = await tenantOf(c);
    const own = await expectJson(c.h, ClusterJoin, 'POST', `/api/v1/tenants/${t.id}/clusters`, 201, { cookie: c.owner.cookie, body: { name: 'own' } });
    const agentId = await enrollOn(c, own.joinToken);
    return { path: `/api/v1/tenants/${t.id}/clusters/${own.cluster.id}/agents/${agentId}/revoke`, as: c.owner, status: 200, chain: t.id, action: 'cluster.agent-revoke', actor: asUser(c.owner) };
  },
  'POST /api/v1/agents/enroll': async (c) => {
    const t = await tenantOf(c);
    const own = await expectJson(c.h, ClusterJoin, 'POST', `/api/v1/tenants/${t.id}/clusters`, 201, { cookie: c.owner.cookie, body: { name: 'own' } });
    const keys = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', (keys as CryptoKeyPair).publicKey);
    const body = { token: own.joinToken, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, hostname: 'node-1', swarmNodeId: 'swarm-node-1', agentVersion: '0.1.0' };
    return { path: '/api/v1/agents/enroll', as: {}, body, status: 201, chain: t.id, action: 'agent.enroll', actor: { type: 'anonymous', id: null } };
  },
  'POST /api/v1/tenants/:tenant/agents': async (c) => {
    const t = await tenantOf(c);
    const body = { name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } };
    return { path: `/api/v1/tenants/${t.id}/agents`, as: c.owner, body, status: 202, chain: t.id, action: 'agent-service.create', actor: asUser(c.owner) };
  },
  'PATCH /api/v1/tenants/:tenant/agents/:agent': async (c) => {
    const t = await tenantOf(c);
    const s = await withService(c, t.id);
    return { path: `/api/v1/tenants/${t.id}/agents/${s.name}`, as: c.owner, body: { replicas: 2 }, status: 202, chain: t.id, action: 'agent-service.update', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/agents/:agent/scale': async (c) => {
    const t = await tenantOf(c);
    const s = await withService(c, t.id);
    return { path: `/api/v1/tenants/${t.id}/agents/${s.name}/scale`, as: c.owner, body: { replicas: 2 }, status: 202, chain: t.id, action: 'agent-service.scale', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/agents/:agent/restart': async (c) => {
    const t = await tenantOf(c);
    const s = await withService(c, t.id);
    return { path: `/api/v1/tenants/${t.id}/agents/${s.name}/restart`, as: c.owner, status: 202, chain: t.id, action: 'agent-service.restart', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/agents/:agent/stop': async (c) => {
    const t = await tenantOf(c);
    const s = await withService(c, t.id);
    return { path: `/api/v1/tenants/${t.id}/agents/${s.name}/stop`, as: c.owner, status: 202, chain: t.id, action: 'agent-service.stop', actor: asUser(c.owner) };
  },
  'POST /api/v1/tenants/:tenant/agents/:agent/start': async (c) => {
    const t = await tenantOf(c);
    const s = await withService(c, t.id);
    await c.h.json('POST', `/api/v1/tenants/${t.id}/agents/${s.name}/stop`, 202, { cookie: c.owner.cookie });
    return { path: `/api/v1/tenants/${t.id}/agents/${s.name}/start`, as: c.owner, status: 202, chain: t.id, action: 'agent-service.start', actor: asUser(c.owner) };
  },
  'DELETE /api/v1/tenants/:tenant/agents/:agent': async (c) => {
    const t = await tenantOf(c);
    const s = await withService(c, t.id);
    return { path: `/api/v1/tenants/${t.id}/agents/${s.name}`, as: c.owner, status: 202, chain: t.id, action: 'agent-service.remove', actor: asUser(c.owner) };
  },
};

/** Mutating routes whose rows other code writes: better-auth's (after the library answers) and first-boot setup. */
const isCovered = (key: string) => !key.startsWith('GET ') && !key.includes(' /api/auth/') && key !== 'POST /api/v1/setup';

describe('every successful change leaves exactly one audit row', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    const h = await createHarness();
    const [people, admin] = await Promise.all([
      signUpAll(h, { owner: 'owner@rows.test', bob: 'bob@rows.test', visitor: 'visitor@rows.test', target: 'target@rows.test' }),
      h.setupAdmin('root@rows.test'),
    ]);
    const shared = await expectJson(h, ClusterJoin, 'POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
    ctx = { h, ...people, admin, sharedClusterId: shared.cluster.id };
  });
  afterAll(() => ctx.h.close());

  it('has a case for every mutating route of the permission table', () => {
    expect(Object.keys(CHANGES).sort()).toEqual(Object.keys(PERMISSIONS).filter(isCovered).sort());
  });

  it.each(Object.keys(CHANGES))('%s', async (key) => {
    const { h } = ctx;
    const change = await (CHANGES[key] as (c: Ctx) => Promise<Change>)(ctx);
    const mark = Number((await h.client.execute('SELECT coalesce(max(rowid), 0) AS m FROM audit_log')).rows[0]?.m);

    const res = await h.call(key.split(' ')[0] as string, change.path, { ...change.as, ...(change.body !== undefined ? { body: change.body } : {}) });
    const text = await res.text();
    expect(res.status, text).toBe(change.status);

    const rows = (await h.client.execute({ sql: 'SELECT chain, action, actor_type, actor_id, result FROM audit_log WHERE rowid > ?', args: [mark] })).rows;
    const chain = typeof change.chain === 'function' ? change.chain(JSON.parse(text)) : change.chain;
    expect(rows.map((r) => ({ ...r }))).toEqual([{ chain, action: change.action, actor_type: change.actor.type, actor_id: change.actor.id, result: 'success' }]);
  });
});
