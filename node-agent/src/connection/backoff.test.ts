import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap', () => {
    const top = (a: number) => backoffDelay(a, { baseMs: 500, maxMs: 30_000, random: () => 0.999999 });
    expect([0, 1, 2, 3].map(top)).toEqual([499, 999, 1999, 3999]);
    expect(top(10)).toBe(29_999);
    expect(top(1000)).toBe(29_999);
  });

  it('never goes below half the base delay', () => {
    expect(backoffDelay(5, { baseMs: 500, maxMs: 30_000, random: () => 0 })).toBe(250);
  });

  it('spreads delays across the window (seeded)', () => {
    let seed = 42;
    console.log(`backoff jitter seed ${seed}`);
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const delays = Array.from({ length: 50 }, () => backoffDelay(4, { baseMs: 500, maxMs: 30_000, random }));
    expect(new Set(delays).size).toBeGreaterThan(40);
    expect(delays.every((d) => d >= 250 && d < 8000)).toBe(true);
  });
});
