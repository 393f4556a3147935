import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Cluster } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';
import { FakeAgent } from './fake-agent.ts';

const Items = z.object({ items: z.array(Cluster) });

/** Hostnames and node ids of a shared cluster stay with platform admins; tenants see counts. */
describe('cluster node visibility', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("shows a tenant viewer a shared cluster's node counts only, its own cluster's agents in full, and a platform admin everything", async () => {
    const admin = await h.setupAdmin();
    const shared = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared' } });
    const sharedAgent = await FakeAgent.enroll(h, shared.joinToken);
    await sharedAgent.connect();

    const owner = await h.signUp('visibility-owner@example.com');
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'vis', slug: 'vis' } });
    const own = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', '/api/v1/tenants/vis/clusters', 201, { cookie: owner.cookie, body: { name: 'own' } });
    const ownAgent = await FakeAgent.enroll(h, own.joinToken);
    const viewer = await h.json<{ token: string }>('POST', '/api/v1/tenants/vis/tokens', 201, { cookie: owner.cookie, body: { name: 'viewer', role: 'viewer' } });

    const seen = await expectJson(h, Items, 'GET', '/api/v1/tenants/vis/clusters', 200, { token: viewer.token });
    const sharedSeen = seen.items.find((c) => c.id === shared.cluster.id);
    expect(sharedSeen?.agents).toEqual([]);
    expect(sharedSeen?.nodes).toEqual({ total: 1, online: 1 });
    expect(JSON.stringify(sharedSeen)).not.toContain(sharedAgent.agentId);
    expect(JSON.stringify(sharedSeen)).not.toContain('node-1');
    const ownSeen = seen.items.find((c) => c.id === own.cluster.id);
    expect(ownSeen?.agents.map((a) => a.id)).toEqual([ownAgent.agentId]);
    expect(ownSeen?.nodes).toEqual({ total: 1, online: 0 });

    const platform = await expectJson(h, Cluster, 'GET', `/api/v1/clusters/${shared.cluster.id}`, 200, { cookie: admin.cookie });
    expect(platform.agents).toMatchObject([{ id: sharedAgent.agentId, hostname: 'fake', swarmNodeId: 'node-1', online: true }]);
  });
});
