import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentEvent } from '@berth/protocol';
import { silentLogger } from '../logger.ts';
import { EventBatcher } from './event-batcher.ts';

const ev = (id: string, status: AgentEvent['status']): AgentEvent => ({ type: 'service.status', tenantId: 't', agentServiceId: id, status, tasks: [], at: 0 });

afterEach(() => {
  vi.useRealTimers();
});

describe('EventBatcher', () => {
  it('sends events pushed within the flush window as one batch', async () => {
    vi.useFakeTimers();
    const batches: AgentEvent[][] = [];
    const b = new EventBatcher({ send: async (e) => (batches.push(e), true), log: silentLogger, flushMs: 250 });
    b.push(ev('a', 'deploying'));
    b.push(ev('b', 'deploying'));
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(batches.map((x) => x.map((e) => e.agentServiceId))).toEqual([['a', 'b']]);
  });

  it('sends a lone event at once by default and batches what arrives while a send is in flight', async () => {
    const batches: string[][] = [];
    let release: () => void = () => undefined;
    const b = new EventBatcher({
      send: async (e) => {
        batches.push(e.map((x) => x.agentServiceId));
        await new Promise<void>((r) => (release = r));
        return true;
      },
      log: silentLogger,
    });
    b.push(ev('a', 'running'));
    expect(batches).toEqual([['a']]);
    b.push(ev('b', 'deploying'));
    b.push(ev('c', 'deploying'));
    b.push(ev('b', 'running'));
    expect(batches).toEqual([['a']]);
    release();
    await expect.poll(() => batches).toEqual([['a'], ['c', 'b']]);
    release();
    await b.flush();
    expect(b.size).toBe(0);
  });

  it('keeps only the latest status per service while sending fails, and sends it later', async () => {
    let online = false;
    const batches: AgentEvent[][] = [];
    const b = new EventBatcher({ send: async (e) => (online ? (batches.push(e), true) : false), log: silentLogger, flushMs: 10_000 });
    b.push(ev('a', 'deploying'));
    await b.flush();
    b.push(ev('a', 'running'));
    b.push(ev('b', 'failed'));
    expect(b.size).toBe(2);
    online = true;
    await b.flush();
    expect(batches).toEqual([[ev('a', 'running'), ev('b', 'failed')]]);
    expect(b.size).toBe(0);
    b.stop();
  });

  it('splits large backlogs into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const b = new EventBatcher({ send: async (e) => (sizes.push(e.length), true), log: silentLogger, flushMs: 10_000, maxBatch: 3 });
    for (let i = 0; i < 7; i++) b.push(ev(`s${i}`, 'running'));
    await b.flush();
    expect(sizes.reduce((x, y) => x + y, 0)).toBe(7);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    b.stop();
  });
});
