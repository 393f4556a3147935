import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESEND_AFTER_MS, SENDS_PER_SEQ } from '../../src/agents/dispatcher.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

/**
 * An agent whose replay state is ahead of what the edge issued (the edge's database restored from a
 * backup) refuses lower seqs silently. The edge must neither hand out seqs below the agent's nor
 * re-send a refused command under the same seq forever.
 */
describe('seqs an agent is already past', () => {
  let h: Harness;
  // Real time plus what the test skips ahead: the fake agent signs with the real clock.
  let skipped = 0;
  const clock = { now: () => new Date(Date.now() + skipped) };
  let owner: Awaited<ReturnType<Harness['signUp']>>;
  let n = 0;

  beforeAll(async () => {
    h = await createHarness({}, clock);
    await h.setupAdmin();
    owner = await h.signUp('stale-seq-owner@example.com');
  });
  afterAll(() => h.close());

  async function enrolled() {
    const slug = `stale-${++n}`;
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: slug, slug } });
    const { joinToken } = await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    return { slug, agent: await FakeAgent.enroll(h, joinToken) };
  }

  it('issues seqs above the last one the agent reports having applied', async () => {
    const { slug, agent } = await enrolled();
    await agent.connect({ lastSeq: 500 });
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => agent.received.length).toBe(2);
    // The handshake's reconcile may take the first seq above it; nothing goes out at or below 500.
    for (const r of agent.received) expect(r.seq).toBeGreaterThan(500);
    for (const r of agent.reconciles) expect(r.seq).toBeGreaterThan(500);
  });

  it(`re-sends an unanswered command ${SENDS_PER_SEQ} times under its seq, then gives it a new seq and the same jti`, async () => {
    const { slug, agent } = await enrolled();
    await agent.connect();
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });
    await expect.poll(() => agent.received.length).toBe(2);
    const first = agent.received.map((r) => ({ jti: r.jti, seq: r.seq }));
    // The agent stays silent: every RESEND_AFTER_MS the same frames go out again, same jti and seq.
    for (let sent = 1; sent < SENDS_PER_SEQ; sent++) {
      skipped += RESEND_AFTER_MS + 1;
      await h.agents.tick();
      await expect.poll(() => agent.received.length).toBe(2 * (sent + 1));
      expect(agent.received.slice(-2).map((r) => ({ jti: r.jti, seq: r.seq }))).toEqual(first);
    }
    expect(agent.received).toHaveLength(2 * SENDS_PER_SEQ);
    skipped += RESEND_AFTER_MS + 1;
    await h.agents.tick();
    await expect.poll(() => agent.received.length).toBe(2 * SENDS_PER_SEQ + 2);
    const again = agent.received.slice(-2);
    expect(again.map((r) => r.jti)).toEqual(first.map((r) => r.jti));
    const lastSeq = Math.max(...first.map((r) => r.seq));
    for (const r of again) expect(r.seq).toBeGreaterThan(lastSeq);
    expect(again.map((r) => r.seq)).toEqual([...again.map((r) => r.seq)].sort((a, b) => a - b));
    // Answered under the new seq, the commands are done.
    for (const r of again) await agent.reply(r);
    const rows = await h.client.execute({ sql: 'SELECT status FROM command WHERE id IN (?, ?)', args: first.map((r) => r.jti) });
    expect(rows.rows.map((r) => r.status)).toEqual(['done', 'done']);
  });
});
