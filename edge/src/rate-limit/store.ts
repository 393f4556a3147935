/** What one hit on a bucket found: the hits so far in the current window and when it ends. */
export interface RateLimitHit {
  count: number;
  resetAtMs: number;
}

/**
 * Where rate-limit counters live. Fixed windows: the first hit on a key opens a window of
 * `windowMs` from `nowMs`; hits inside it count up; the first hit after it opens a new one.
 * Node keeps counters in memory (one process); Workers keep them in a Durable Object, so every
 * isolate counts against the same bucket.
 */
export interface RateLimitStore {
  hit(key: string, windowMs: number, nowMs: number): Promise<RateLimitHit>;
}

/** The counting rule shared by every store, on one key's state. */
export function countHit(prior: RateLimitHit | undefined, windowMs: number, nowMs: number): RateLimitHit {
  if (!prior || nowMs >= prior.resetAtMs) return { count: 1, resetAtMs: nowMs + windowMs };
  return { count: prior.count + 1, resetAtMs: prior.resetAtMs };
}
