import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AgentService, AgentServicePage, AuditVerifyResult, ClusterJoin, CreatedApiToken, ErrorEnvelope, Tenant, UsageHistory } from '@berth/protocol';
import { startWorker, type Caller, type WorkerHarness } from './worker-harness.ts';
import { WsAgent } from './ws-agent.ts';

/**
 * The API contract on the Workers build: the same routes, authorization and audit rules as on
 * Node, with D1 underneath and the agent channel in Durable Objects.
 */
describe('the API on Workers (workerd, D1, Durable Objects)', () => {
  let w: WorkerHarness;
  let alice: Caller & { userId: string };
  let bob: Caller & { userId: string };
  let a: z.infer<typeof Tenant>;
  let b: z.infer<typeof Tenant>;

  beforeAll(async () => {
    w = await startWorker();
    await w.setupAdmin();
    alice = await w.signUp('alice@workers.test');
    bob = await w.signUp('bob@workers.test');
    a = await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...alice, body: { name: 'Tenant A', slug: 'workers-a' } });
    b = await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...bob, body: { name: 'Tenant B', slug: 'workers-b' } });
  });
  afterAll(() => w?.close());

  it('refuses a second first-boot setup', async () => {
    const res = await w.call('POST', '/api/v1/setup', { body: { token: 'workers-setup-token-0123456789', email: 'again@workers.test', password: 'correct-horse-battery', name: 'Again' } });
    expect(res.status).toBe(409);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('SETUP_ALREADY_DONE');
  });

  it('answers 401 to nobody, 403 to a role too low, and lets the right role through', async () => {
    expect((await w.call('GET', `/api/v1/tenants/${a.slug}/agents`)).status).toBe(401);
    const viewer = await w.json(CreatedApiToken, 'POST', `/api/v1/tenants/${a.id}/tokens`, 201, { ...alice, body: { name: 'viewer', role: 'viewer' } });
    expect((await w.call('GET', `/api/v1/tenants/${a.slug}/agents`, { token: viewer.token })).status).toBe(200);
    const refused = await w.call('POST', `/api/v1/tenants/${a.id}/tokens`, { token: viewer.token, body: { name: 'escalate', role: 'owner' } });
    expect(refused.status).toBe(403);
    expect(ErrorEnvelope.parse(await refused.json()).error.code).toBe('FORBIDDEN');
  });

  it("answers another tenant's objects with 404, exactly like ones that do not exist", async () => {
    const foreign = await w.call('GET', `/api/v1/tenants/${a.slug}/agents`, bob);
    const missing = await w.call('GET', '/api/v1/tenants/no-such-tenant/agents', bob);
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(ErrorEnvelope.parse(await foreign.json()).error.code).toBe(ErrorEnvelope.parse(await missing.json()).error.code);
    expect((await w.call('GET', `/api/v1/tenants/${b.slug}/audit`, alice)).status).toBe(404);
  });

  it('creates an agent service as pending with an agent connected, audited in a chain that verifies', async () => {
    const join = await w.json(ClusterJoin, 'POST', `/api/v1/tenants/${a.slug}/clusters`, 201, { ...alice, body: { name: 'own' } });
    const agent = await WsAgent.enroll(w.url, join.joinToken);
    await agent.connect();
    const created = await w.json(AgentService, 'POST', `/api/v1/tenants/${a.slug}/agents`, 202, { ...alice, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    expect(created.status).toBe('pending');
    const listed = await w.json(AgentServicePage, 'GET', `/api/v1/tenants/${a.slug}/agents`, 200, alice);
    expect(listed.items.map((s) => s.name)).toEqual(['gw']);
    const verify = await w.json(AuditVerifyResult, 'GET', `/api/v1/tenants/${a.slug}/audit/verify`, 200, alice);
    expect(verify).toMatchObject({ ok: true });
    expect(verify.count).toBeGreaterThanOrEqual(4);
    const sent = await agent.waitForCommand((c) => c.cmd.kind === 'service.create');
    expect(sent.sub).toBe(a.id);
    // The create wrote its usage sample in the same D1 batch; the history reads it back.
    const history = await w.json(UsageHistory, 'GET', `/api/v1/tenants/${a.slug}/usage/history?bucket=minute&from=${new Date(Date.now() - 600_000).toISOString()}`, 200, alice);
    expect(history.buckets.at(-1)?.peak).toMatchObject({ totalReplicas: 1, agentServices: 1 });
    expect((await w.call('GET', `/api/v1/tenants/${a.slug}/usage/history`, bob)).status).toBe(404);
    agent.close();
  });

  it('refuses a hello for another agent than the connect URL names', async () => {
    const join = await w.json(ClusterJoin, 'POST', `/api/v1/tenants/${a.slug}/clusters`, 201, { ...alice, body: { name: 'second' } });
    const agent = await WsAgent.enroll(w.url, join.joinToken);
    await expect(agent.connect({ as: crypto.randomUUID() })).rejects.toThrow(/1008/);
    expect(agent.closedWith?.reason).toBe('AGENT_MISMATCH');
  });
});
