import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './memory-store.ts';

describe('the in-memory rate-limit store', () => {
  it('counts hits inside a window and starts again after it', async () => {
    const store = createMemoryRateLimitStore();
    expect(await store.hit('k', 1000, 0)).toEqual({ count: 1, resetAtMs: 1000 });
    expect(await store.hit('k', 1000, 999)).toEqual({ count: 2, resetAtMs: 1000 });
    expect(await store.hit('k', 1000, 1000)).toEqual({ count: 1, resetAtMs: 2000 });
  });

  it('keeps separate keys apart', async () => {
    const store = createMemoryRateLimitStore();
    await store.hit('a', 1000, 0);
    await store.hit('a', 1000, 0);
    expect((await store.hit('b', 1000, 0)).count).toBe(1);
  });

  it('never holds more than maxKeys keys, dropping ended windows first, then the oldest', async () => {
    const store = createMemoryRateLimitStore({ maxKeys: 3 });
    await store.hit('old', 10, 0);
    await store.hit('live1', 1000, 0);
    await store.hit('live2', 1000, 0);
    await store.hit('new', 1000, 20);
    expect(store.size()).toBe(3);
    expect((await store.hit('live1', 1000, 30)).count).toBe(2);
    for (let i = 0; i < 100; i++) await store.hit(`flood${i}`, 1000, 40);
    expect(store.size()).toBe(3);
  });
});
