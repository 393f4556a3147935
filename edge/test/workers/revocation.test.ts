import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClusterJoin, Tenant } from '@berth/protocol';
import { startWorker, type Caller, type WorkerHarness } from './worker-harness.ts';
import { WsAgent } from './ws-agent.ts';

describe('agent revocation on Workers (ClusterHub Durable Object)', () => {
  let w: WorkerHarness;
  let owner: Caller & { userId: string };

  beforeAll(async () => {
    w = await startWorker();
    await w.setupAdmin();
    owner = await w.signUp('owner@revocation.test');
    await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...owner, body: { name: 'Revocation', slug: 'revocation' } });
  });
  afterAll(() => w?.close());

  it('closes the revoked agent socket with 1008 at once and refuses its next connection', async () => {
    const join = await w.json(ClusterJoin, 'POST', '/api/v1/tenants/revocation/clusters', 201, { ...owner, body: { name: 'own' } });
    const agent = await WsAgent.enroll(w.url, join.joinToken);
    await agent.connect();
    await agent.waitForCommand((c) => c.cmd.kind === 'reconcile');

    await w.json(z.object({ id: z.string() }), 'POST', `/api/v1/tenants/revocation/clusters/${join.cluster.id}/agents/${agent.agentId}/revoke`, 200, owner);
    await expect.poll(() => agent.closedWith, { timeout: 5000 }).toEqual({ code: 1008, reason: 'AGENT_REVOKED' });

    await expect(agent.connect()).rejects.toThrow(/closed before welcome: 1008/);
  });
});
