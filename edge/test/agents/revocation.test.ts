import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** Revoking an agent: its socket closes, its key is refused from then on, its work moves on. */
describe('agent revocation', () => {
  let h: Harness;
  let admin: Caller;
  let owner: Caller;
  let count = 0;

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.setupAdmin();
    owner = await h.signUp('revoke-owner@example.com');
  });
  afterAll(() => h.close());

  async function ownCluster() {
    const slug = `revoke-${++count}`;
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } });
    const join = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const more = async () => (await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters/${join.cluster.id}/join-tokens`, 201, { cookie: owner.cookie, body: {} })).joinToken;
    return { slug, clusterId: join.cluster.id, token: join.joinToken, more };
  }

  it('closes the socket with 1008, refuses its results, events and a new hello, and moves its work to another agent', async () => {
    const c = await ownCluster();
    const revoked = await FakeAgent.enroll(h, c.token);
    const other = await FakeAgent.enroll(h, await c.more());
    await revoked.connect();
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => revoked.received.length).toBe(2);
    await other.connect();

    const res = await h.json<{ id: string }>('POST', `/api/v1/tenants/${c.slug}/clusters/${c.clusterId}/agents/${revoked.agentId}/revoke`, 200, { cookie: owner.cookie });
    expect(res.id).toBe(revoked.agentId);
    expect(revoked.closedWith).toEqual({ code: 1008, reason: 'AGENT_REVOKED' });

    // A result it signed for a command it held is not accepted.
    const [network] = revoked.received;
    if (!network) throw new Error('no command');
    await revoked.reply(network);
    const row = await h.client.execute({ sql: 'SELECT status, agent_id FROM command WHERE id = ?', args: [network.jti] });
    expect(row.rows[0]?.status).not.toBe('done');
    expect(revoked.frames.at(-1)).toMatchObject({ type: 'edge:error', code: 'AGENT_REVOKED' });

    // The other agent of the cluster gets what the revoked one left unanswered.
    await expect.poll(() => other.received.map((r) => r.jti).sort()).toEqual(revoked.received.map((r) => r.jti).sort());

    // A new handshake with the revoked key is refused.
    await revoked.connect();
    expect(revoked.closedWith?.code).toBe(1008);
    expect(h.hub.isConnected(revoked.agentId)).toBe(false);

    const audit = await h.client.execute({ sql: "SELECT actor_id, target_id, result FROM audit_log WHERE action = 'cluster.agent-revoke' AND target_id = ?", args: [revoked.agentId] });
    expect(audit.rows.map((r) => ({ ...r }))).toEqual([{ actor_id: owner.userId, target_id: revoked.agentId, result: 'success' }]);
    const dto = await h.json<{ items: { id: string; agents: { id: string }[] }[] }>('GET', `/api/v1/tenants/${c.slug}/clusters`, 200, { cookie: owner.cookie });
    expect(dto.items.find((x) => x.id === c.clusterId)?.agents.map((a) => a.id)).toEqual([other.agentId]);
  });

  it("answers 404 for an agent of another cluster, and for a shared cluster's agent through a tenant", async () => {
    const mine = await ownCluster();
    const theirs = await ownCluster();
    const foreign = await FakeAgent.enroll(h, theirs.token);
    await h.json('POST', `/api/v1/tenants/${mine.slug}/clusters/${mine.clusterId}/agents/${foreign.agentId}/revoke`, 404, { cookie: owner.cookie });
    const shared = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
    const sharedAgent = await FakeAgent.enroll(h, shared.joinToken);
    await h.json('POST', `/api/v1/tenants/${mine.slug}/clusters/${shared.cluster.id}/agents/${sharedAgent.agentId}/revoke`, 404, { cookie: owner.cookie });
    await sharedAgent.connect();
    await h.json('POST', `/api/v1/clusters/${shared.cluster.id}/agents/${sharedAgent.agentId}/revoke`, 200, { cookie: admin.cookie });
    expect(sharedAgent.closedWith).toEqual({ code: 1008, reason: 'AGENT_REVOKED' });
    // Status events it signs after that are refused too.
    const frames = sharedAgent.frames.length;
    await sharedAgent.report([{ type: 'service.status', tenantId: 't', agentServiceId: 'x', status: 'running', tasks: [], at: Date.now() }]);
    expect(sharedAgent.frames.slice(frames)).toMatchObject([{ type: 'edge:error', code: 'AGENT_REVOKED' }]);
    await h.json('POST', `/api/v1/clusters/${shared.cluster.id}/agents/${sharedAgent.agentId}/revoke`, 404, { cookie: admin.cookie });
  });
});
