import type { AgentEvent } from '@berth/protocol';
import type { Logger } from '../logger.ts';

/** Sends one batch; resolves false when it could not (not connected), so the batch is kept. */
export type BatchSender = (events: AgentEvent[]) => Promise<boolean>;

function keyOf(e: AgentEvent): string {
  return `${e.type}\u0000${e.tenantId}\u0000${e.agentServiceId}`;
}

/**
 * Collects status events and sends them in batches of at most `maxBatch`. By default an event goes
 * out at once, and what arrives while a batch is being signed and sent goes in the next one, so a
 * burst still travels in few frames without a fixed delay on a lone transition (the one a user
 * waits for). With `flushMs`, events are instead held up to that long and sent together. While the
 * edge is unreachable only the latest event per service is kept (status is state, not history),
 * so the backlog is bounded by the number of services.
 */
export class EventBatcher {
  readonly #pending = new Map<string, AgentEvent>();
  readonly #send: BatchSender;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(opts: { send: BatchSender; log: Logger; flushMs?: number; maxBatch?: number }) {
    this.#send = opts.send;
    this.#log = opts.log;
    this.#flushMs = opts.flushMs ?? 0;
    this.#maxBatch = opts.maxBatch ?? 500;
  }

  /** Queues an event (replacing an unsent older one of the same service). */
  push(e: AgentEvent): void {
    const k = keyOf(e);
    this.#pending.delete(k);
    this.#pending.set(k, e);
    // While a batch is in flight, flush() joins it and the drain loop takes this event next.
    if (this.#pending.size >= this.#maxBatch || this.#flushMs === 0) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#flushMs);
  }

  /** Number of unsent events. */
  get size(): number {
    return this.#pending.size;
  }

  /** Sends what is pending now (e.g. right after reconnecting). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing ??= this.#drain().then((delivered) => {
      this.#flushing = undefined;
      // Pushed after the loop looked for the last time but before it was marked done.
      if (delivered && this.#pending.size > 0) return this.flush();
    });
    return this.#flushing;
  }

  /** Sends until nothing is pending; false when a batch could not be sent (kept for later). */
  async #drain(): Promise<boolean> {
    while (this.#pending.size > 0) {
      const batch = [...this.#pending.entries()].slice(0, this.#maxBatch);
      let sent = false;
      try {
        sent = await this.#send(batch.map(([, e]) => e));
      } catch (e) {
        this.#log.warn('event batch not sent', { error: e instanceof Error ? e.message : String(e) });
      }
      if (!sent) return false;
      // Drop only what was sent and not replaced meanwhile.
      for (const [k, e] of batch) if (this.#pending.get(k) === e) this.#pending.delete(k);
    }
    return true;
  }

  /** Stops the timer (pending events stay for a final flush). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
