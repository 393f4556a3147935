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
 * is remembered (the last `capacity` commands), and `seq` must grow in arrival order: `admit`
 * raises the floor as soon as a command is accepted, before it runs, so commands applied side by
 * side (different tenants) still refuse any later frame at or below a seq already accepted. The
 * result of an applied command is persisted before it is sent, so a redelivery after a reconnect
 * or restart is answered from the store instead of executing twice. Commands older than the
 * window are refused by `seq`.
 */
export class ReplayGuard {
  #lastSeq: number;
  /** Highest seq accepted for execution (committed or still running). */
  #admittedSeq: number;
  readonly #applied: Map<string, AppliedCommand>;
  readonly #capacity: number;
  readonly #persist: (s: ReplayState) => Promise<void>;
  readonly #clock: () => number;

  constructor(initial: ReplayState, persist: (s: ReplayState) => Promise<void>, opts: { capacity?: number; clock?: () => number } = {}) {
    this.#lastSeq = initial.lastSeq;
    this.#admittedSeq = initial.lastSeq;
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
    if (seq <= this.#admittedSeq) return { kind: 'stale', lastSeq: this.#admittedSeq };
    return { kind: 'fresh' };
  }

  /** Accepts a fresh command for execution: no later command at or below its seq is fresh. */
  admit(seq: number): void {
    this.#admittedSeq = Math.max(this.#admittedSeq, seq);
  }

  /** Records an executed command and persists it before the result goes out. */
  async commit(jti: string, seq: number, result: CommandResult): Promise<void> {
    this.#applied.set(jti, { jti, seq, at: this.#clock(), result });
    this.#lastSeq = Math.max(this.#lastSeq, seq);
    this.#admittedSeq = Math.max(this.#admittedSeq, seq);
    while (this.#applied.size > this.#capacity) {
      const oldest = this.#applied.keys().next().value;
      if (oldest === undefined) break;
      this.#applied.delete(oldest);
    }
    await this.#persist({ lastSeq: this.#lastSeq, applied: [...this.#applied.values()] });
  }
}
