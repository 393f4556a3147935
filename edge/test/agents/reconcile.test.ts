import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandClaims } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** Edge → agent reconcile: the desired set on every handshake and periodically, drift recorded. */
describe('reconcile from the edge', () => {
  let h: Harness;
  let owner: Caller;
  let admin: Caller;
  let offsetMs = 0;
  let count = 0;

  beforeAll(async () => {
    h = await createHarness({}, { now: () => new Date(Date.now() + offsetMs) });
    admin = await h.setupAdmin();
    owner = await h.signUp('reconcile-owner@example.com');
  });
  afterAll(() => h.close());

  async function freshCluster() {
    const slug = `reconcile-${++count}`;
    const tenantId = (await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } })).id;
    const created = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, created.joinToken);
    return { slug, tenantId, clusterId: created.cluster.id, agent };
  }

  /** Answers every service command the agent got so far with success. */
  async function ack(agent: FakeAgent) {
    for (const c of agent.received.splice(0)) await agent.reply(c);
  }

  const reconcileOf = (c: CommandClaims | undefined) => {
    if (c?.cmd.kind !== 'reconcile') throw new Error('not a reconcile');
    return c.cmd;
  };

  it('sends the complete desired set on every handshake, rebuilt exactly as create and scale left it', async () => {
    const c = await freshCluster();
    await c.agent.connect();
    await expect.poll(() => c.agent.reconciles.length).toBe(1);
    expect(reconcileOf(c.agent.reconciles[0]).services).toEqual([]);
    expect(reconcileOf(c.agent.reconciles[0]).tenantIds).toContain(c.tenantId);
    expect(c.agent.reconciles[0]?.sub).toBe('*');
    const onHello = c.agent.reconciles[0];
    if (!onHello) throw new Error('no reconcile');
    await c.agent.reply(onHello, { ok: true, data: { inSync: 0, drift: [] } });

    const body = { name: 'gw', image: 'berth-test/busybox:1', env: { A: '1' }, secrets: { TOKEN: 'sekret-value' } };
    const gw = await h.json<{ id: string }>('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body });
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'doomed', image: 'berth-test/busybox:1' } });
    await expect.poll(() => c.agent.received.map((r) => r.cmd.kind)).toEqual(['network.ensure', 'secret.ensure', 'service.create', 'network.ensure', 'service.create']);
    const create = c.agent.received[2]?.cmd;
    if (create?.kind !== 'service.create') throw new Error('no create');
    const { kind: _kind, ...createdUpsert } = create;
    await ack(c.agent);
    await h.json('POST', `/api/v1/tenants/${c.slug}/agents/gw/scale`, 202, { cookie: owner.cookie, body: { replicas: 3 } });
    await h.json('DELETE', `/api/v1/tenants/${c.slug}/agents/doomed`, 202, { cookie: owner.cookie });
    await expect.poll(() => c.agent.received.length).toBe(2);
    await ack(c.agent);

    c.agent.disconnect();
    await c.agent.connect();
    await expect.poll(() => c.agent.reconciles.length).toBe(2);
    const { services } = reconcileOf(c.agent.reconciles[1]);
    // Only the live service; the same upsert the create carried, at the replica count scale set.
    expect(services).toEqual([
      { tenantId: c.tenantId, agentServiceId: gw.id, specHash: createdUpsert.specHash, desired: { ...createdUpsert, spec: { ...createdUpsert.spec, replicas: 3 } } },
    ]);
    expect(JSON.stringify(services)).not.toContain('sekret-value');
  });

  it('records the drift an agent reports as a status event of the service', async () => {
    const c = await freshCluster();
    await c.agent.connect();
    const gw = await h.json<{ id: string }>('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => c.agent.received.length).toBe(2);
    await ack(c.agent);
    await c.agent.report([{ type: 'service.status', tenantId: c.tenantId, agentServiceId: gw.id, status: 'running', tasks: [], at: Date.now() }]);
    const [first] = c.agent.reconciles;
    if (!first) throw new Error('no reconcile');
    await c.agent.reply(first, {
      ok: true,
      data: {
        inSync: 0,
        drift: [
          { tenantId: c.tenantId, agentServiceId: gw.id, drift: 'missing', repaired: true },
          { tenantId: c.tenantId, agentServiceId: 'unknown-to-the-edge', drift: 'unwanted', repaired: true },
        ],
      },
    });
    const details = await h.json<{ status: string; recentEvents: { status: string; reason: string | null }[] }>('GET', `/api/v1/tenants/${c.slug}/agents/gw`, 200, { cookie: owner.cookie });
    expect(details.status).toBe('running');
    expect(details.recentEvents[0]).toEqual(expect.objectContaining({ status: 'running', reason: 'reconcile: the swarm service was missing; repaired' }));
    expect(h.logger.lines.filter((l) => l.includes('"msg":"reconcile repaired drift"') && l.includes('unknown-to-the-edge'))).toHaveLength(1);
  });

  it('reads a live service the agent reports removed as degraded and reconciles, but lets a removal finish', async () => {
    const c = await freshCluster();
    await c.agent.connect();
    const gw = await h.json<{ id: string }>('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    const old = await h.json<{ id: string }>('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'old', image: 'berth-test/busybox:1' } });
    await expect.poll(() => c.agent.received.length).toBe(4);
    await ack(c.agent);
    await h.json('DELETE', `/api/v1/tenants/${c.slug}/agents/old`, 202, { cookie: owner.cookie });
    const before = c.agent.reconciles.length;
    await c.agent.report([
      { type: 'service.status', tenantId: c.tenantId, agentServiceId: gw.id, status: 'removed', tasks: [], at: Date.now() },
      { type: 'service.status', tenantId: c.tenantId, agentServiceId: old.id, status: 'removed', tasks: [], at: Date.now() },
    ]);
    const gwNow = await h.json<{ status: string; statusReason: string }>('GET', `/api/v1/tenants/${c.slug}/agents/gw`, 200, { cookie: owner.cookie });
    expect(gwNow).toEqual(expect.objectContaining({ status: 'degraded', statusReason: 'the swarm service disappeared; reconciling' }));
    const stored = await h.client.execute({ sql: 'SELECT status FROM agent_service WHERE id = ?', args: [old.id] });
    expect(stored.rows[0]?.status).toBe('removed');
    await expect.poll(() => c.agent.reconciles.length).toBe(before + 1);
    expect(reconcileOf(c.agent.reconciles.at(-1)).services.map((s) => s.agentServiceId)).toEqual([gw.id]);
  });

  it('takes the watcher reporting a finished removal as the end, not as drift', async () => {
    const c = await freshCluster();
    await c.agent.connect();
    await expect.poll(() => c.agent.reconciles.length).toBe(1);
    const gone = await h.json<{ id: string }>('POST', `/api/v1/tenants/${c.slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gone', image: 'berth-test/busybox:1' } });
    await expect.poll(() => c.agent.received.length).toBe(2);
    await ack(c.agent);
    await h.json('DELETE', `/api/v1/tenants/${c.slug}/agents/gone`, 202, { cookie: owner.cookie });
    await expect.poll(() => c.agent.received.length).toBe(1);
    await ack(c.agent);
    await expect.poll(async () => (await h.client.execute({ sql: 'SELECT status FROM agent_service WHERE id = ?', args: [gone.id] })).rows[0]?.status).toBe('removed');
    const reconciles = c.agent.reconciles.length;
    await c.agent.report([{ type: 'service.status', tenantId: c.tenantId, agentServiceId: gone.id, status: 'removed', tasks: [], at: Date.now() }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.agent.reconciles).toHaveLength(reconciles);
    expect(h.logger.lines.filter((l) => l.includes('agent service vanished') && l.includes(gone.id))).toEqual([]);
  });

  it('reconciles a connected cluster again once a minute, not on every tick', async () => {
    const c = await freshCluster();
    await c.agent.connect();
    await expect.poll(() => c.agent.reconciles.length).toBe(1);
    const [first] = c.agent.reconciles;
    if (!first) throw new Error('no reconcile');
    await c.agent.reply(first, { ok: true, data: { inSync: 0, drift: [] } });
    offsetMs += 30_000;
    await h.agents.tick();
    expect(c.agent.reconciles).toHaveLength(1);
    offsetMs += 31_000;
    await h.agents.tick();
    await expect.poll(() => c.agent.reconciles.length).toBe(2);
    const rows = await h.client.execute({ sql: "SELECT status FROM command WHERE cluster_id = ? AND kind = 'reconcile'", args: [c.clusterId] });
    // Finished reconciles are dropped when a newer one is queued: each carries the whole cluster.
    expect(rows.rows.map((r) => r.status)).toEqual(['sent']);
  });

  it("tells a shared cluster's agent only the tenants with services there, and an own cluster's agent only its owner", async () => {
    offsetMs = 0; // the fake agent signs its hello with the real time
    const shared = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
    const user = await h.signUp('reconcile-shared@example.com');
    const tenantOf = async (slug: string) => (await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: user.cookie, body: { name: slug, slug } })).id;
    const placed = await tenantOf('reconcile-placed');
    await tenantOf('reconcile-idle');
    await h.json('POST', '/api/v1/tenants/reconcile-placed/agents', 202, { cookie: user.cookie, body: { name: 'gw', image: 'berth-test/busybox:1', clusterId: shared.cluster.id } });
    const own = await freshCluster();

    const sharedAgent = await FakeAgent.enroll(h, shared.joinToken);
    await sharedAgent.connect();
    await own.agent.connect();
    await expect.poll(() => sharedAgent.reconciles.length, { timeout: 5000 }).toBe(1);
    await expect.poll(() => own.agent.reconciles.length, { timeout: 5000 }).toBe(1);
    expect(reconcileOf(sharedAgent.reconciles[0]).tenantIds).toEqual([placed]);
    expect(reconcileOf(own.agent.reconciles[0]).tenantIds).toEqual([own.tenantId]);
  });
});
