import { DurableObject } from 'cloudflare:workers';
import type { StatusStreamEvent } from '@berth/protocol';

/** A subscriber that lets this many bytes pile up is dropped (it reconnects and reloads). */
const MAX_BACKLOG_BYTES = 1 << 20;

/**
 * One per tenant (`idFromName(tenantId)`): the tenant's open event streams. Each subscriber is a
 * streaming response held by the Worker serving an SSE client; `publish` writes one NDJSON line
 * to each. Nothing is stored: a stream that drops misses what happened while it was away, as on
 * Node, and the client reloads state on reconnect.
 */
export class TenantEvents extends DurableObject<Env> {
  readonly #writers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  readonly #encoder = new TextEncoder();

  /** Opens a subscription: the response body is the tenant's events, one JSON object a line. */
  override async fetch(): Promise<Response> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>(undefined, new ByteLengthQueuingStrategy({ highWaterMark: MAX_BACKLOG_BYTES }));
    const writer = writable.getWriter();
    this.#writers.add(writer);
    void writer.closed.catch(() => undefined).finally(() => this.#writers.delete(writer));
    return new Response(readable, { headers: { 'content-type': 'application/x-ndjson' } });
  }

  /** Sends an event to every open subscription of this tenant. */
  async publish(event: StatusStreamEvent): Promise<void> {
    const line = this.#encoder.encode(`${JSON.stringify(event)}\n`);
    for (const writer of this.#writers) {
      if (writer.desiredSize !== null && writer.desiredSize <= 0) {
        this.#drop(writer);
        continue;
      }
      writer.write(line).catch(() => this.#drop(writer));
    }
  }

  /** How many streams are open (diagnostics and tests). */
  async subscribers(): Promise<number> {
    return this.#writers.size;
  }

  #drop(writer: WritableStreamDefaultWriter<Uint8Array>) {
    this.#writers.delete(writer);
    writer.abort().catch(() => undefined);
  }
}
