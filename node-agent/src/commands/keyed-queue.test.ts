import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue.ts';

function gate() {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedQueue', () => {
  it('runs tasks of one key in order and tasks of other keys beside them', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const slow = gate();
    const a1 = q.run('a', async () => {
      await slow.promise;
      log.push('a1');
    });
    const a2 = q.run('a', async () => void log.push('a2'));
    const b1 = q.run('b', async () => void log.push('b1'));
    await b1;
    expect(log).toEqual(['b1']);
    slow.open();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
  });

  it('starts an exclusive task after every earlier task and before every later one', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    const slow = gate();
    void q.run('a', async () => {
      await slow.promise;
      log.push('a');
    });
    void q.exclusive(async () => void log.push('barrier'));
    void q.run('b', async () => void log.push('b'));
    await tick();
    expect(log).toEqual([]);
    slow.open();
    await q.idle();
    expect(log).toEqual(['a', 'barrier', 'b']);
  });

  it('keeps going after a failed task, and idle waits for everything scheduled', async () => {
    const q = new KeyedQueue();
    const failed = q.run('a', async () => {
      throw new Error('boom');
    });
    const next = q.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ran');
    let done = false;
    void q.run('c', async () => {
      await tick();
      done = true;
    });
    await q.idle();
    expect(done).toBe(true);
  });
});
