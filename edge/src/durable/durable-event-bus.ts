import { waitUntil } from 'cloudflare:workers';
import { StatusStreamEvent } from '@berth/protocol';
import type { StatusListener, TenantEventBus } from '../events/tenant-event-bus.ts';
import type { Logger } from '../logger.ts';
import type { TenantEvents } from './tenant-events.ts';

/**
 * TenantEventBus on Workers: publishing is an RPC to the tenant's TenantEvents object;
 * subscribing opens a stream from it and reads events as they arrive (no polling).
 */
export class DurableTenantEventBus implements TenantEventBus {
  readonly #ns: DurableObjectNamespace<TenantEvents>;
  readonly #logger: Logger;

  constructor(ns: DurableObjectNamespace<TenantEvents>, logger: Logger) {
    this.#ns = ns;
    this.#logger = logger;
  }

  publish(tenantId: string, event: StatusStreamEvent): void {
    // Outlives the request that caused it (the caller does not wait for fan-out, as on Node).
    waitUntil(
      this.#ns
        .getByName(tenantId)
        .publish(event)
        .catch((err: unknown) => this.#logger.warn('status event not published', { tenantId, errorName: err instanceof Error ? err.name : typeof err })),
    );
  }

  async subscribe(tenantId: string, listener: StatusListener): Promise<() => void> {
    // The object registers the stream before it answers, so later publishes reach it.
    const res = await this.#ns.getByName(tenantId).fetch('https://tenant-events/subscribe');
    if (!res.body) throw new Error('tenant event stream has no body');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void this.#pump(reader, tenantId, listener);
    return () => void reader.cancel().catch(() => undefined);
  }

  async #pump(reader: ReadableStreamDefaultReader<string>, tenantId: string, listener: StatusListener) {
    let buffered = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffered += value;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          const parsed = StatusStreamEvent.safeParse(JSON.parse(line));
          if (parsed.success) listener(parsed.data);
          else this.#logger.warn('malformed tenant event dropped', { tenantId });
        }
      }
    } catch {
      // Cancelled by unsubscribe, or the object went away: the SSE client reconnects.
    }
  }
}
