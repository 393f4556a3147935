import type { StatusStreamEvent } from '@berth/protocol';

export type StatusListener = (event: StatusStreamEvent) => void;

/** Fan-out of status transitions to the tenant's SSE subscribers. */
export interface TenantEventBus {
  publish(tenantId: string, event: StatusStreamEvent): void;
  /**
   * Resolves, with the unsubscribe function, once every event published afterwards reaches
   * `listener` (at once in memory; after a round trip to the tenant's Durable Object on Workers).
   */
  subscribe(tenantId: string, listener: StatusListener): Promise<() => void>;
}

export class MemoryTenantEventBus implements TenantEventBus {
  readonly #listeners = new Map<string, Set<StatusListener>>();

  publish(tenantId: string, event: StatusStreamEvent) {
    for (const listener of this.#listeners.get(tenantId) ?? []) listener(event);
  }

  async subscribe(tenantId: string, listener: StatusListener) {
    let set = this.#listeners.get(tenantId);
    if (!set) this.#listeners.set(tenantId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(tenantId);
    };
  }
}
