import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/** Refusals of anonymous requests, counted per code and summed up in one log line per window. */
export interface RefusalTally {
  count(code: string): void;
}

/**
 * Anonymous callers are not written to the audit chain one row each: anyone can send as many
 * as they like, and each row would cost a write on the one platform chain. They are counted
 * here instead, and the counts logged (`anonymous requests refused`, per code) once per window,
 * on the first refusal after the window ends. Memory is one number per error code.
 */
export function createRefusalTally(deps: { logger: Logger; clock: Clock }, windowMs = 60_000): RefusalTally {
  let counts = new Map<string, number>();
  let windowStart = deps.clock.now().getTime();
  return {
    count(code) {
      const now = deps.clock.now().getTime();
      if (now - windowStart >= windowMs && counts.size > 0) {
        deps.logger.warn('anonymous requests refused', { windowMs: now - windowStart, total: [...counts.values()].reduce((a, b) => a + b, 0), byCode: Object.fromEntries(counts) });
        counts = new Map();
        windowStart = now;
      } else if (counts.size === 0) {
        windowStart = now;
      }
      counts.set(code, (counts.get(code) ?? 0) + 1);
    },
  };
}
