import type { EdgeMessage } from '@berth/protocol';
import type { AgentHub, AgentLink } from '../hub/agent-hub.ts';
import { attachmentOf } from './attachment.ts';

/** `WebSocket.READY_STATE_OPEN` in workerd. */
const OPEN = 1;

/**
 * The AgentHub of one cluster's Durable Object. Live sessions register their links in memory, as
 * in MemoryAgentHub; what must outlive hibernation (which socket belongs to which authenticated
 * agent, since when) is each socket's attachment. After a wake-up the in-memory links are gone,
 * so sends and the connected list fall back to the hibernated sockets themselves.
 */
export class SocketAgentHub implements AgentHub {
  readonly #links = new Map<string, AgentLink>();
  readonly #closed = new WeakSet<WebSocket>();
  readonly #sockets: () => WebSocket[];

  constructor(sockets: () => WebSocket[]) {
    this.#sockets = sockets;
  }

  add(link: AgentLink) {
    const previous = this.#links.get(link.agentId);
    if (previous && previous !== link) previous.close(4000, 'replaced by a newer connection');
    this.#links.set(link.agentId, link);
  }

  remove(link: AgentLink) {
    if (this.#links.get(link.agentId) === link) this.#links.delete(link.agentId);
  }

  /** A socket that closed: it no longer counts, even while the runtime still lists it. */
  closed(ws: WebSocket) {
    this.#closed.add(ws);
  }

  send(agentId: string, frame: EdgeMessage): boolean {
    const link = this.#links.get(agentId);
    if (link) {
      link.send(frame);
      return true;
    }
    const ws = this.#ready().find((s) => s.agentId === agentId)?.ws;
    if (!ws) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  connected(clusterId: string): string[] {
    const since = new Map<string, number>();
    for (const s of this.#ready()) if (s.clusterId === clusterId) since.set(s.agentId, s.since);
    for (const link of this.#links.values()) if (link.clusterId === clusterId && !since.has(link.agentId)) since.set(link.agentId, Number.MAX_SAFE_INTEGER);
    return [...since.entries()].sort((a, b) => a[1] - b[1]).map(([agentId]) => agentId);
  }

  isConnected(agentId: string): boolean {
    return this.#links.has(agentId) || this.#ready().some((s) => s.agentId === agentId);
  }

  disconnect(agentId: string, code: number, reason: string) {
    const link = this.#links.get(agentId);
    this.#links.delete(agentId);
    link?.close(code, reason);
    for (const s of this.#ready()) {
      if (s.agentId !== agentId) continue;
      this.#closed.add(s.ws);
      s.ws.close(code, reason);
    }
  }

  /** Open sockets whose agent finished its handshake, oldest first. */
  #ready() {
    const out: { ws: WebSocket; agentId: string; clusterId: string; since: number }[] = [];
    for (const ws of this.#sockets()) {
      if (ws.readyState !== OPEN || this.#closed.has(ws)) continue;
      const a = attachmentOf(ws);
      if (a?.agentId && a.clusterId) out.push({ ws, agentId: a.agentId, clusterId: a.clusterId, since: a.since });
    }
    return out.sort((x, y) => x.since - y.since);
  }
}
