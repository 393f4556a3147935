/** Options of the reconnect backoff. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Uniform [0, 1) source; injectable for tests. */
  random?: () => number;
}

/**
 * Capped exponential backoff with full jitter: a uniform delay in [base/2, min(max, base·2^attempt)).
 * The floor of base/2 keeps a flapping edge from being hammered in a tight loop.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(opts.baseMs / 2, ceiling);
  return Math.floor(floor + random() * (ceiling - floor));
}
