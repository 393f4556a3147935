import type { StatusStreamEvent } from '@berth/protocol';

export type StatusListener = (event: StatusStreamEvent) => void;

/** Fan-out of status transitions to the tenant's SSE subscribers. */
export interface TenantEventBus {
  publish(tenantId: string, event: StatusStreamEvent): void;
  subscribe(tenantId: string, listener: StatusListener): () => void;
}

export class MemoryTenantEventBus implements TenantEventBus {
  readonly #listeners = new Map<string, Set<StatusListener>>();

  publish(tenantId: string, event: StatusStreamEvent) {
    for (const listener of this.#listeners.get(tenantId) ?? []) listener(event);
  }

  subscribe(tenantId: string, listener: StatusListener) {
    let set = this.#listeners.get(tenantId);
    if (!set) this.#listeners.set(tenantId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(tenantId);
    };
  }
}
