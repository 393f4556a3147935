import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { command } from '@berth/db';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** A log tail is answered while its caller waits, or dropped: never replayed to an agent later. */
describe('logs.tail delivery', () => {
  let h: Harness;
  let owner: Caller;
  let offsetMs = 0;
  let count = 0;

  beforeAll(async () => {
    h = await createHarness({}, { now: () => new Date(Date.now() + offsetMs) });
    await h.setupAdmin();
    owner = await h.signUp('tail-owner@example.com');
  });
  afterAll(() => h.close());

  /** A tenant with its own cluster, a connected agent that answered the service's creation. */
  async function withService() {
    const slug = `tail-${++count}`;
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } });
    const join = await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, join.joinToken);
    await agent.connect();
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'web', image: 'berth-test/busybox:1' } });
    await expect.poll(() => agent.received.length).toBe(2);
    for (const c of agent.received) await agent.reply(c);
    return { slug, agent, clusterId: agent.clusterId, logs: () => h.call('GET', `/api/v1/tenants/${slug}/agents/web/logs?tail=5`, { cookie: owner.cookie }) };
  }

  const tails = (a: FakeAgent) => a.received.filter((c) => c.cmd.kind === 'logs.tail');

  it('answers the lines while the agent is there', async () => {
    const { agent, logs } = await withService();
    const pending = logs();
    await expect.poll(() => tails(agent).length).toBe(1);
    const [tail] = tails(agent);
    if (tail) await agent.reply(tail, { ok: true, data: { lines: [{ stream: 'stdout', line: 'hello' }] } });
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ lines: [{ stream: 'stdout', line: 'hello' }] });
  });

  it('answers 503 at once and queues nothing when no agent of the cluster is reachable', async () => {
    const { agent, clusterId, logs } = await withService();
    agent.disconnect();
    offsetMs += 20_000;
    try {
      const res = await logs();
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'AGENT_UNAVAILABLE' } });
      expect(await h.db.select().from(command).where(and(eq(command.clusterId, clusterId), eq(command.kind, 'logs.tail'))).all()).toEqual([]);
      await agent.connect();
      await new Promise((r) => setTimeout(r, 50));
      expect(tails(agent)).toEqual([]);
    } finally {
      offsetMs -= 20_000;
    }
  });

  it('drops a tail whose agent leaves before answering, and does not send it after the reconnect', async () => {
    const { agent, logs } = await withService();
    const pending = logs();
    await expect.poll(() => tails(agent).length).toBe(1);
    const [tail] = tails(agent);
    agent.disconnect();
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'AGENT_UNAVAILABLE' } });
    await agent.connect();
    await h.agents.tick();
    expect(tails(agent)).toHaveLength(1);
    const row = await h.db.select({ status: command.status }).from(command).where(eq(command.id, tail?.jti ?? '')).get();
    expect(row?.status).toBe('cancelled');
  });

  it('cancels an unanswered tail past its lifetime instead of re-sending it', async () => {
    const { agent, logs } = await withService();
    const pending = logs();
    await expect.poll(() => tails(agent).length).toBe(1);
    offsetMs += 25_000;
    try {
      await h.agents.tick();
      const res = await pending;
      expect(res.status).toBe(503);
      expect(tails(agent)).toHaveLength(1);
    } finally {
      offsetMs -= 25_000;
    }
  });
});
