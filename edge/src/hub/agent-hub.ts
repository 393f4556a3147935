import type { EdgeMessage } from '@berth/protocol';

/** One live, authenticated agent socket. */
export interface AgentLink {
  agentId: string;
  clusterId: string;
  send(frame: EdgeMessage): void;
  close(code: number, reason: string): void;
}

/**
 * Where agent sockets live. The Node entry keeps them in memory (MemoryAgentHub); on Workers a
 * Durable Object per cluster holds them. The app only sees this interface.
 */
export interface AgentHub {
  add(link: AgentLink): void;
  remove(link: AgentLink): void;
  /** Sends to a connected agent; false when it is not connected here. */
  send(agentId: string, frame: EdgeMessage): boolean;
  /** Agents of a cluster connected now, oldest connection first. */
  connected(clusterId: string): string[];
  isConnected(agentId: string): boolean;
  /** Closes every socket of the agent here and forgets them (a revoked agent). */
  disconnect(agentId: string, code: number, reason: string): void;
}

export class MemoryAgentHub implements AgentHub {
  readonly #links = new Map<string, AgentLink>();

  add(link: AgentLink) {
    const previous = this.#links.get(link.agentId);
    // One socket per agent: a reconnect replaces (and closes) the stale one.
    if (previous && previous !== link) previous.close(4000, 'replaced by a newer connection');
    this.#links.set(link.agentId, link);
  }

  remove(link: AgentLink) {
    if (this.#links.get(link.agentId) === link) this.#links.delete(link.agentId);
  }

  send(agentId: string, frame: EdgeMessage): boolean {
    const link = this.#links.get(agentId);
    if (!link) return false;
    link.send(frame);
    return true;
  }

  connected(clusterId: string): string[] {
    return [...this.#links.values()].filter((l) => l.clusterId === clusterId).map((l) => l.agentId);
  }

  isConnected(agentId: string): boolean {
    return this.#links.has(agentId);
  }

  disconnect(agentId: string, code: number, reason: string) {
    const link = this.#links.get(agentId);
    this.#links.delete(agentId);
    link?.close(code, reason);
  }
}
