import type { CommandResult } from '@berth/protocol';
import type { AppliedCommand } from '../state/agent-state.ts';

/** How the guard classifies an authentic command. */
export type ReplayVerdict =
  /** Never seen and newer than anything applied: execute it. */
  | { kind: 'fresh' }
  /** Already applied (at-least-once redelivery): answer the stored result, do not execute. */
  | { kind: 'applied'; result: CommandResult }
  /** Not applied and `seq` ≤ the last applied seq: stale or reordered, never execute. */
  | { kind: 'stale'; lastSeq: number };

/** Persisted replay state. */
export interface ReplayState {
  lastSeq: number;
  applied: AppliedCommand[];
}

/**
 * Replay protection for signed commands. A command id (`jti`) is executed at most once while it
 * is remembered (the last `capacity` commands), and `seq` must grow. The result of an applied
 * command is persisted before it is sent, so a redelivery after a reconnect or restart is answered
 * from the store instead of executing twice. Commands older than the window are refused by `seq`.
 */
export class ReplayGuard {
  #lastSeq: number;
  readonly #applied: Map<string, AppliedCommand>;
  readonly #capacity: number;
  readonly #persist: (s: ReplayState) => Promise<void>;
  readonly #clock: () => number;

  constructor(initial: ReplayState, persist: (s: ReplayState) => Promise<void>, opts: { capacity?: number; clock?: () => number } = {}) {
    this.#lastSeq = initial.lastSeq;
    this.#applied = new Map(initial.applied.map((a) => [a.jti, a]));
    this.#capacity = opts.capacity ?? 256;
    this.#persist = persist;
    this.#clock = opts.clock ?? Date.now;
  }

  /** Highest applied seq (reported as `lastSeq` in `agent:hello`). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Classifies a verified command. */
  check(jti: string, seq: number): ReplayVerdict {
    const applied = this.#applied.get(jti);
    if (applied) return { kind: 'applied', result: applied.result };
    if (seq <= this.#lastSeq) return { kind: 'stale', lastSeq: this.#lastSeq };
    return { kind: 'fresh' };
  }

  /** Records an executed command and persists it before the result goes out. */
  async commit(jti: string, seq: number, result: CommandResult): Promise<void> {
    this.#applied.set(jti, { jti, seq, at: this.#clock(), result });
    this.#lastSeq = Math.max(this.#lastSeq, seq);
    while (this.#applied.size > this.#capacity) {
      const oldest = this.#applied.keys().next().value;
      if (oldest === undefined) break;
      this.#applied.delete(oldest);
    }
    await this.#persist({ lastSeq: this.#lastSeq, applied: [...this.#applied.values()] });
  }
}
