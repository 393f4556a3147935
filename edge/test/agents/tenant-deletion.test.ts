import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

/** Deleting a tenant removes what it runs: nothing of a deleted workspace stays on a swarm. */
describe('deleting a tenant', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
    await h.setupAdmin();
  });
  afterAll(() => h.close());

  it('queues service.remove for each of its live agent services in the audited batch, and the agent gets them', async () => {
    const owner = await h.signUp('deleting-owner@example.com');
    const t = await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Going', slug: 'going' } });
    const { joinToken } = await h.json<{ joinToken: string }>('POST', '/api/v1/tenants/going/clusters', 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, joinToken);
    await agent.connect();
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await h.json<{ id: string }>('POST', '/api/v1/tenants/going/agents', 202, { cookie: owner.cookie, body: { name, image: 'berth-test/busybox:1' } })).id);
    // One is already on its way out: it is not removed twice.
    await h.json('DELETE', '/api/v1/tenants/going/agents/three', 202, { cookie: owner.cookie });
    // Another tenant's service on its own cluster is untouched.
    const other = await h.signUp('staying-owner@example.com');
    await h.json('POST', '/api/v1/tenants', 201, { cookie: other.cookie, body: { name: 'Stays', slug: 'stays' } });
    await h.json('POST', '/api/v1/tenants/stays/clusters', 201, { cookie: other.cookie, body: { name: 'own' } });
    const kept = await h.json<{ id: string }>('POST', '/api/v1/tenants/stays/agents', 202, { cookie: other.cookie, body: { name: 'one', image: 'berth-test/busybox:1' } });

    const deleted = await h.json<{ status: string }>('DELETE', '/api/v1/tenants/going', 200, { cookie: owner.cookie });
    expect(deleted.status).toBe('deleting');

    const removes = () => agent.received.filter((r) => r.cmd.kind === 'service.remove').map((r) => (r.cmd.kind === 'service.remove' ? r.cmd.agentServiceId : ''));
    await expect.poll(() => removes().sort()).toEqual([...ids].sort());
    expect(removes().filter((id) => id === ids[2])).toHaveLength(1);
    for (const r of agent.received) expect(r.sub).toBe(t.id);

    const rows = await h.client.execute({ sql: 'SELECT id, status, tenant_id FROM agent_service WHERE tenant_id = ? OR id = ?', args: [t.id, kept.id] });
    const status = Object.fromEntries(rows.rows.map((r) => [String(r.id), String(r.status)]));
    for (const id of ids) expect(status[id]).toBe('removing');
    expect(status[kept.id]).toBe('pending');

    const audit = await h.client.execute({ sql: "SELECT details, result FROM audit_log WHERE tenant_id = ? AND action = 'tenant.delete'", args: [t.id] });
    expect(audit.rows).toHaveLength(1);
    expect(String(audit.rows[0]?.result)).toBe('success');
    expect(JSON.parse(String(audit.rows[0]?.details))).toEqual({ agentServicesRemoved: 2 });
  });
});
