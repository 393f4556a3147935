import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommand, createHarness, type SwarmHarness } from './harness.ts';

let h: SwarmHarness;

beforeAll(async () => {
  h = await createHarness();
  await h.send({ kind: 'network.ensure', tenantId: h.tenantId, name: h.network });
});

afterAll(async () => {
  await h.cleanup();
});

describe('failing agent services on a real swarm', () => {
  it('reports a crashing command as failed with the exit code', async () => {
    const result = h.result(await h.send(createCommand(h, 'crash', { command: ['sh', '-c', 'echo boom; exit 3'] })));
    expect(result.ok).toBe(true);
    await expect.poll(() => h.latestStatus('as-crash')?.status, { timeout: 15_000, interval: 100 }).toBe('failed');
    expect(h.latestStatus('as-crash')?.reason).toMatch(/exit \(3\)/);
  });

  it('reports an image that does not exist as failed with the engine reason', async () => {
    const result = h.result(await h.send(createCommand(h, 'noimage', { image: 'berth-test/does-not-exist:1' })));
    expect(result.ok).toBe(true);
    await expect.poll(() => h.latestStatus('as-noimage')?.status, { timeout: 15_000, interval: 100 }).toBe('failed');
    expect(h.latestStatus('as-noimage')?.reason).toMatch(/No such image/);
  });

  it('rolls back a bad update and never reports the rollback as running', async () => {
    h.result(await h.send(createCommand(h, 'roll', {}, 'hash-roll-0001')));
    await expect.poll(() => h.latestStatus('as-roll')?.status, { timeout: 15_000, interval: 100 }).toBe('running');
    const bad = { ...createCommand(h, 'roll', { command: ['sh', '-c', 'exit 1'] }, 'hash-roll-0002'), kind: 'service.update' as const };
    expect(h.result(await h.send(bad)).ok).toBe(true);
    await expect
      .poll(() => h.events.filter((e) => e.agentServiceId === 'as-roll').map((e) => e.reason ?? ''), { timeout: 40_000, interval: 200 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/roll/)]));
    const afterUpdate = h.events.filter((e) => e.agentServiceId === 'as-roll' && /roll/.test(e.reason ?? ''));
    expect(afterUpdate.every((e) => e.status !== 'running')).toBe(true);
  });
});
