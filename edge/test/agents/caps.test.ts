import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** What one tenant or one agent may pile up: clusters, pending join tokens, event frames. */
describe('tenant and agent caps', () => {
  let h: Harness;
  let owner: Caller;
  let count = 0;

  beforeAll(async () => {
    h = await createHarness({
      BERTH_MAX_CLUSTERS_PER_TENANT: '2',
      BERTH_MAX_PENDING_JOIN_TOKENS: '3',
      BERTH_AGENT_MAX_EVENT_FRAME_BYTES: '8192',
      BERTH_AGENT_MAX_EVENT_FRAMES_PER_MINUTE: '5',
    });
    await h.setupAdmin();
    owner = await h.signUp('caps-owner@example.com');
  });
  afterAll(() => h.close());

  async function tenant() {
    const slug = `caps-${++count}`;
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } });
    return slug;
  }

  const newCluster = (slug: string) => h.call('POST', `/api/v1/tenants/${slug}/clusters`, { cookie: owner.cookie, body: { name: 'own' } });

  it('refuses a tenant cluster past BERTH_MAX_CLUSTERS_PER_TENANT with 409 CLUSTER_LIMIT, and audits the refusal', async () => {
    const slug = await tenant();
    expect((await newCluster(slug)).status).toBe(201);
    expect((await newCluster(slug)).status).toBe(201);
    const refused = await newCluster(slug);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'CLUSTER_LIMIT' } });
    expect((await newCluster(await tenant())).status).toBe(201);
    const audit = await h.client.execute("SELECT details FROM audit_log WHERE action = 'request.refused' AND result = 'failure'");
    expect(audit.rows.map((r) => JSON.parse(String(r.details)))).toContainEqual({ code: 'CLUSTER_LIMIT' });
  });

  it('refuses a join token while the cluster has BERTH_MAX_PENDING_JOIN_TOKENS pending, and allows one again once one is used', async () => {
    const slug = await tenant();
    const created = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const more = () => h.call('POST', `/api/v1/tenants/${slug}/clusters/${created.cluster.id}/join-tokens`, { cookie: owner.cookie, body: {} });
    expect((await more()).status).toBe(201);
    expect((await more()).status).toBe(201);
    const refused = await more();
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'JOIN_TOKEN_LIMIT' } });
    await FakeAgent.enroll(h, created.joinToken);
    expect((await more()).status).toBe(201);
  });

  async function connectedAgent() {
    const slug = await tenant();
    const created = await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, created.joinToken);
    await agent.connect();
    return agent;
  }

  const event = (reason: string) => ({ type: 'service.status' as const, tenantId: 't', agentServiceId: 'svc', status: 'running' as const, reason, tasks: [], at: Date.now() });

  it('closes an agent socket with 1008 on an events frame larger than BERTH_AGENT_MAX_EVENT_FRAME_BYTES', async () => {
    const agent = await connectedAgent();
    await agent.report([event('small')]);
    expect(agent.closedWith).toBeUndefined();
    await agent.report(Array.from({ length: 10 }, () => event('x'.repeat(2000))));
    expect(agent.closedWith).toEqual({ code: 1008, reason: 'FRAME_TOO_LARGE' });
  });

  it('closes an agent socket with 1008 past BERTH_AGENT_MAX_EVENT_FRAMES_PER_MINUTE', async () => {
    const agent = await connectedAgent();
    for (let i = 0; i < 5; i++) await agent.report([event(`n${i}`)]);
    expect(agent.closedWith).toBeUndefined();
    await agent.report([event('one too many')]);
    expect(agent.closedWith).toEqual({ code: 1008, reason: 'EVENT_RATE_EXCEEDED' });
  });
});
