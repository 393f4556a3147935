import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from 'jose';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** The edge side of the agent channel: handshake, signed delivery, acknowledgement, failover, revocation. */
describe('command delivery to agents', () => {
  let h: Harness;
  let owner: Caller;
  let clusterCount = 0;

  beforeAll(async () => {
    h = await createHarness();
    await h.setupAdmin();
    owner = await h.signUp('dispatch-owner@example.com');
  });
  afterAll(() => h.close());

  /** A fresh cluster (owned by a fresh tenant) and a join-token factory for it. */
  async function freshCluster() {
    const slug = `dispatch-${++clusterCount}`;
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } });
    const first = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const more = async () =>
      (await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters/${first.cluster.id}/join-tokens`, 201, { cookie: owner.cookie, body: {} })).joinToken;
    return { slug, clusterId: first.cluster.id, token: first.joinToken, more };
  }

  it('refuses a hello signed by another key and a proof for another challenge with 1008', async () => {
    const c = await freshCluster();
    const agent = await FakeAgent.enroll(h, c.token);
    const { privateKey: stranger } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    await agent.connect({ signWith: stranger });
    expect(agent.closedWith?.code).toBe(1008);
    await agent.connect({ proofNonce: () => 'f'.repeat(48) });
    expect(agent.closedWith?.code).toBe(1008);
    await agent.connect();
    expect(agent.closedWith).toBeUndefined();
  });

  it('a join token enrolls exactly one agent', async () => {
    const c = await freshCluster();
    await FakeAgent.enroll(h, c.token);
    await expect(FakeAgent.enroll(h, c.token)).rejects.toThrow(/401/);
  });

  it('delivers a create as signed, ordered commands for this agent, with the secret only in flight', async () => {
    const c = await freshCluster();
    const agent = await FakeAgent.enroll(h, c.token);
    await agent.connect();
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1', secrets: { TOKEN: 'in-flight-only' } } });
    await expect.poll(() => agent.received.map((r) => r.cmd.kind)).toEqual(['network.ensure', 'secret.ensure', 'service.create']);
    const seqs = agent.received.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(agent.received.map((r) => r.jti)).size).toBe(3);
    for (const r of agent.received) {
      expect(r.aud).toBe(agent.agentId);
      expect(r.exp - r.iat).toBeLessThanOrEqual(60);
    }
    const secret = agent.received[1]?.cmd;
    expect(secret?.kind === 'secret.ensure' && Buffer.from(secret.valueB64, 'base64').toString()).toBe('in-flight-only');
    const stored = await h.client.execute('SELECT payload FROM command');
    expect(JSON.stringify(stored.rows)).not.toContain(Buffer.from('in-flight-only').toString('base64'));
  });

  it('marks a command done on its signed result, and re-sends unanswered ones after a reconnect with the same jti and seq', async () => {
    const c = await freshCluster();
    const agent = await FakeAgent.enroll(h, c.token);
    await agent.connect();
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => agent.received.length).toBe(2);
    const [network, create] = agent.received;
    if (!network || !create) throw new Error('missing commands');
    await agent.reply(network);
    agent.disconnect();
    agent.received.length = 0;
    await agent.connect();
    await expect.poll(() => agent.received.map((r) => [r.jti, r.seq])).toEqual([[create.jti, create.seq]]);
    await agent.reply(create);
    const rows = await h.client.execute({ sql: 'SELECT status FROM command WHERE id IN (?, ?)', args: [network.jti, create.jti] });
    expect(rows.rows.map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('re-sends what a reconnecting agent left unanswered before anything newer, even with a delivery pass racing the handshake', async () => {
    const c = await freshCluster();
    const agent = await FakeAgent.enroll(h, c.token);
    await agent.connect();
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => agent.received.length).toBe(2);
    agent.disconnect();
    // Queued while no agent is connected.
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents/gw/scale`, 202, { cookie: owner.cookie, body: { replicas: 2 } });
    agent.received.length = 0;
    agent.seqs.length = 0;
    // A delivery pass (a tick, another request) at the worst moment: as the socket becomes deliverable.
    const add = h.hub.add.bind(h.hub);
    h.hub.add = (link) => {
      h.hub.add = add;
      add(link);
      void h.agents.dispatcher.kick(c.clusterId);
    };
    await agent.connect();
    await expect.poll(() => agent.received.map((r) => r.cmd.kind)).toEqual(['network.ensure', 'service.create', 'service.scale']);
    // A real agent refuses a seq below one it has seen: they must arrive in increasing order.
    expect(agent.seqs).toEqual([...agent.seqs].sort((a, b) => a - b));
    expect(new Set(agent.seqs).size).toBe(agent.seqs.length);
  });

  it('fails a command over to another agent of the cluster when its agent leaves', async () => {
    const c = await freshCluster();
    const first = await FakeAgent.enroll(h, c.token);
    const second = await FakeAgent.enroll(h, await c.more());
    await first.connect();
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => first.received.length).toBe(2);
    await second.connect();
    first.disconnect();
    await expect.poll(() => second.received.map((r) => r.jti).sort()).toEqual(first.received.map((r) => r.jti).sort());
    for (const r of second.received) expect(r.aud).toBe(second.agentId);
  });

  it('never sends what a revoked token queued: the commands are cancelled and the service fails', async () => {
    const c = await freshCluster();
    const token = (await h.json<{ token: string; id: string }>('POST', `/api/v1/tenants/${c.slug}/tokens`, 201, { cookie: owner.cookie, body: { name: 'ci', role: 'operator' } }));
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { token: token.token, body: { name: 'from-ci', image: 'berth-test/busybox:1' } });
    await h.json('DELETE', `/api/v1/tenants/${c.slug}/tokens/${token.id}`, 200, { cookie: owner.cookie });
    const agent = await FakeAgent.enroll(h, c.token);
    await agent.connect();
    await expect.poll(async () => (await h.json<{ status: string }>('GET', `/api/v1/tenants/${c.slug}/agents/from-ci`, 200, { cookie: owner.cookie })).status).toBe('failed');
    expect(agent.received).toEqual([]);
    const rows = await h.client.execute("SELECT count(*) AS n FROM command WHERE status = 'cancelled'");
    expect(Number(rows.rows[0]?.n)).toBeGreaterThanOrEqual(2);
  });

  it("ignores status events about services of another cluster, and applies its own", async () => {
    const mine = await freshCluster();
    const other = await freshCluster();
    const agent = await FakeAgent.enroll(h, mine.token);
    await agent.connect();
    const theirs = await h.json<{ id: string; tenantId: string }>('POST', `/api/v1/tenants/${other.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'theirs', image: 'berth-test/busybox:1' } });
    const ours = await h.json<{ id: string; tenantId: string }>('POST', `/api/v1/tenants/${mine.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'ours', image: 'berth-test/busybox:1' } });
    await agent.report([
      { type: 'service.status', tenantId: theirs.tenantId, agentServiceId: theirs.id, status: 'running', tasks: [], at: Date.now() },
      { type: 'service.status', tenantId: ours.tenantId, agentServiceId: ours.id, status: 'running', tasks: [], at: Date.now() },
    ]);
    // The other cluster has no agent online, so its API view reads `unknown`: check what is stored.
    const stored = await h.client.execute({ sql: 'SELECT id, status FROM agent_service WHERE id IN (?, ?)', args: [theirs.id, ours.id] });
    const byId = Object.fromEntries(stored.rows.map((r) => [String(r.id), String(r.status)]));
    expect(byId[theirs.id]).toBe('pending');
    expect(byId[ours.id]).toBe('running');
    const oursNow = await h.json<{ status: string }>('GET', `/api/v1/tenants/${mine.slug}/agents/ours`, 200, { cookie: owner.cookie });
    expect(oursNow.status).toBe('running');
  });
});
