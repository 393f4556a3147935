import { countHit, type RateLimitHit, type RateLimitStore } from './store.ts';

/**
 * Counters in a Map, for one Node process. Memory is bounded: at `maxKeys` the windows that have
 * ended are swept, and if the map is still full the oldest keys (insertion order) are dropped, so
 * a flood of distinct addresses cannot grow it without end. A dropped key starts afresh.
 */
export function createMemoryRateLimitStore(opts: { maxKeys?: number } = {}): RateLimitStore & { size(): number } {
  const maxKeys = opts.maxKeys ?? 50_000;
  const buckets = new Map<string, RateLimitHit>();

  const makeRoom = (nowMs: number) => {
    for (const [key, b] of buckets) if (nowMs >= b.resetAtMs) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  };

  return {
    async hit(key, windowMs, nowMs) {
      const prior = buckets.get(key);
      const next = countHit(prior, windowMs, nowMs);
      if (!prior && buckets.size >= maxKeys) makeRoom(nowMs);
      buckets.set(key, next);
      return next;
    },
    size: () => buckets.size,
  };
}
