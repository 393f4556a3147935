import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentService, ClusterJoin, Tenant } from '@berth/protocol';
import { startWorker, type Caller, type WorkerHarness } from './worker-harness.ts';
import { WsAgent } from './ws-agent.ts';

const IDLE_MS = Number(process.env.BERTH_HIBERNATION_IDLE_MS ?? 25_000);

const HubStarted = z.object({ msg: z.literal('cluster hub started'), instance: z.string(), sockets: z.number() });

describe('the cluster hub across hibernation', () => {
  let w: WorkerHarness;
  let owner: Caller & { userId: string };
  let slug: string;

  beforeAll(async () => {
    w = await startWorker({ BERTH_LOG_LEVEL: 'info' });
    await w.setupAdmin();
    owner = await w.signUp('owner@hibernation.test');
    slug = (await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...owner, body: { name: 'Hibernation', slug: 'hibernation' } })).slug;
  });
  afterAll(() => w?.close());

  /** Each incarnation of a cluster hub logs one line when it starts. */
  function hubStarts() {
    return w.logs.flatMap((line) => {
      try {
        const parsed = HubStarted.safeParse(JSON.parse(line));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }

  it('delivers a command to an agent that connected before the object was evicted', async () => {
    const join = await w.json(ClusterJoin, 'POST', `/api/v1/tenants/${slug}/clusters`, 201, { ...owner, body: { name: 'sleepy' } });
    const agent = await WsAgent.enroll(w.url, join.joinToken);
    await agent.connect();
    await agent.waitForCommand((c) => c.cmd.kind === 'reconcile');
    const before = hubStarts();
    expect(before).toHaveLength(1);

    // No frames, no requests: the object goes idle and workerd evicts it; the socket stays open.
    await new Promise((r) => setTimeout(r, IDLE_MS));
    expect(agent.closedWith).toBeUndefined();

    // Silent for longer than UNREACHABLE_AFTER_MS, the agent reads as unreachable ('unknown'),
    // yet its socket is open and the command goes out on it.
    const created = await w.json(AgentService, 'POST', `/api/v1/tenants/${slug}/agents`, 202, { ...owner, body: { name: 'after-sleep', image: 'berth-test/busybox:1' } });
    expect(created.name).toBe('after-sleep');
    const cmd = await agent.waitForCommand((c) => c.cmd.kind === 'service.create');
    expect(cmd.aud).toBe(agent.agentId);

    const after = hubStarts();
    console.log(`hibernation: ${after.map((s) => `${s.instance} (${s.sockets} sockets)`).join(' -> ')} over ${IDLE_MS} ms idle`);
    expect(after.length).toBeGreaterThanOrEqual(2);
    // The new incarnation started with the agent's socket already there: it was hibernated, not reopened.
    expect(after.at(-1)?.sockets).toBe(1);
    expect(after.at(-1)?.instance).not.toBe(before[0]?.instance);
    agent.close();
  });
});
