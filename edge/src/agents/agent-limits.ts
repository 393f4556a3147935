import type { Config } from '../config.ts';

/** What one agent socket may send (see BERTH_AGENT_MAX_EVENT_* in config). */
export interface AgentLimits {
  /** Largest `agent:events` frame, in bytes. */
  maxEventFrameBytes: number;
  /** `agent:events` frames per minute per socket (a bucket of this many, refilled evenly). */
  maxEventFramesPerMinute: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = { maxEventFrameBytes: 2 * 1024 * 1024, maxEventFramesPerMinute: 1200 };

export const agentLimitsOf = (config: Config): AgentLimits => ({
  maxEventFrameBytes: config.BERTH_AGENT_MAX_EVENT_FRAME_BYTES,
  maxEventFramesPerMinute: config.BERTH_AGENT_MAX_EVENT_FRAMES_PER_MINUTE,
});

/** A token bucket: `take` is false once the socket sent more than its allowance. */
export class FrameBudget {
  #tokens: number;
  #at: number;
  readonly #perMinute: number;

  constructor(perMinute: number, now: number) {
    this.#perMinute = perMinute;
    this.#tokens = perMinute;
    this.#at = now;
  }

  take(now: number): boolean {
    this.#tokens = Math.min(this.#perMinute, this.#tokens + ((now - this.#at) * this.#perMinute) / 60_000);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
