import { DurableObject } from 'cloudflare:workers';
import { and, eq, inArray } from 'drizzle-orm';
import { command, StoredJsonInvalid } from '@berth/db';
import { AgentMessage, CLOSE_POLICY_VIOLATION, type CommandResult } from '@berth/protocol';
import type { AgentSession, SocketLike } from '../agents/agent-session.ts';
import type { AgentRuntime } from '../agents/agent-runtime.ts';
import { createAgentDeps } from '../compose.ts';
import { systemClock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '@berth/db';
import { workerBase } from '../adapters/worker-env.ts';
import { SocketAgentHub } from './socket-hub.ts';
import { agentLimitsOf } from '../agents/agent-limits.ts';
import { retentionOf } from '../agents/retention.ts';
import { attachmentOf, type SocketAttachment } from './attachment.ts';
import { DurableTenantEventBus } from './durable-event-bus.ts';

/** Headers the Worker sets when it hands an agent socket to this object (never from clients). */
export const CLUSTER_HEADER = 'x-berth-cluster';
export const AGENT_HEADER = 'x-berth-agent';

/** While commands are queued or unanswered, tick this often (re-sends after RESEND_AFTER_MS). */
const BUSY_TICK_MS = 5_000;
/** With agents connected and nothing in flight, tick this often (reconcile). */
const IDLE_TICK_MS = 60_000;

interface Runtime {
  agents: AgentRuntime;
  hub: SocketAgentHub;
  db: Db;
  logger: Logger;
}

/**
 * One per cluster (`idFromName(clusterId)`): the cluster's agent WebSockets and its outbox
 * dispatcher. Sockets are accepted with the Hibernation API, so the object may leave memory while
 * agents stay connected; each socket's attachment says which agent it authenticated as, and a
 * frame arriving after a wake-up resumes that session without a new handshake.
 *
 *   Worker ──upgrade (x-berth-cluster, x-berth-agent)──► fetch ──acceptWebSocket──► challenge
 *   Worker API ──kick(clusterId) / waitFor(commandId)──► dispatcher ──► socket
 *   alarm ──► tick (re-send unanswered, deliver queued, reconcile)
 */
export class ClusterHub extends DurableObject<Env> {
  /** This incarnation; a new one after every eviction (logged, so wake-ups can be counted). */
  readonly #instance = crypto.randomUUID();
  readonly #sessions = new Map<WebSocket, AgentSession>();
  readonly #chains = new Map<WebSocket, Promise<void>>();
  #runtime: Promise<Runtime> | undefined;

  #rt(): Promise<Runtime> {
    this.#runtime ??= (async () => {
      const { config, logger, db } = workerBase(this.env);
      const hub = new SocketAgentHub(() => this.ctx.getWebSockets());
      const bus = new DurableTenantEventBus(this.env.TENANT_EVENTS, logger);
      const { agents } = await createAgentDeps({ db, clock: systemClock, logger, secretKey: config.BERTH_SECRET_KEY, hub, bus, limits: agentLimitsOf(config), retention: retentionOf(config) });
      logger.info('cluster hub started', { instance: this.#instance, sockets: this.ctx.getWebSockets().length });
      return { agents, hub, db, logger };
    })();
    return this.#runtime;
  }

  /** An agent socket, routed here by the Worker for the agent named in AGENT_HEADER. */
  override async fetch(request: Request): Promise<Response> {
    const clusterId = request.headers.get(CLUSTER_HEADER);
    const expectedAgentId = request.headers.get(AGENT_HEADER);
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket' || !clusterId || !expectedAgentId) return new Response(null, { status: 426 });
    await this.ctx.storage.put('clusterId', clusterId);
    const rt = await this.#rt();
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ expectedAgentId, since: Date.now() } satisfies SocketAttachment);
    this.#sessions.set(server, rt.agents.open(socketOf(server)));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const text = typeof message === 'string' ? message : new TextDecoder().decode(message);
    // Frames are handled one at a time, in order: results must not overtake each other.
    const next = (this.#chains.get(ws) ?? Promise.resolve()).then(() => this.#frame(ws, text));
    const settled = next.catch(async (err: unknown) => {
      (await this.#rt()).logger.error('agent frame failed', { agentId: attachmentOf(ws)?.agentId, errorName: err instanceof Error ? err.name : typeof err });
    });
    this.#chains.set(ws, settled);
    await settled;
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    await this.#closed(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed (the runtime answers a close frame itself).
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.#closed(ws);
  }

  /** New commands are in the outbox for this cluster: deliver them. */
  async kick(clusterId: string): Promise<void> {
    await this.ctx.storage.put('clusterId', clusterId);
    const rt = await this.#rt();
    await rt.agents.dispatcher.kick(clusterId);
    await this.#schedule(rt, clusterId);
  }

  /** The agent was revoked: its sockets close now (hibernated ones too), its work moves on. */
  async revoke(agentId: string, clusterId: string): Promise<void> {
    const rt = await this.#rt();
    const sockets = this.ctx.getWebSockets().filter((ws) => attachmentOf(ws)?.agentId === agentId);
    await rt.agents.dispatcher.agentRevoked(agentId, clusterId);
    for (const ws of sockets) await this.#closed(ws);
    await this.#schedule(rt, clusterId);
  }

  /** Resolves with a command's result once its agent answers, or undefined after `timeoutMs`. */
  async waitFor(commandId: string, timeoutMs: number): Promise<CommandResult | undefined> {
    const rt = await this.#rt();
    const waiting = rt.agents.dispatcher.waitFor(commandId, timeoutMs);
    // The answer may have come before this call did.
    const row = await rt.db.select({ status: command.status, result: command.result }).from(command).where(eq(command.id, commandId)).get();
    if (row?.result && !(row.result instanceof StoredJsonInvalid) && (row.status === 'done' || row.status === 'failed')) return row.result;
    return waiting;
  }

  override async alarm(): Promise<void> {
    const clusterId = await this.ctx.storage.get<string>('clusterId');
    if (!clusterId) return;
    const rt = await this.#rt();
    await rt.agents.tick();
    await this.#schedule(rt, clusterId);
  }

  async #frame(ws: WebSocket, text: string) {
    const rt = await this.#rt();
    const attachment = attachmentOf(ws);
    if (!attachment) return ws.close(CLOSE_POLICY_VIOLATION, 'UNKNOWN_SOCKET');
    let session = this.#sessions.get(ws);
    if (!session) {
      // Woken from hibernation. A socket still in its handshake lost its challenge with the
      // evicted instance: it must reconnect.
      if (!attachment.agentId) return ws.close(CLOSE_POLICY_VIOLATION, 'HANDSHAKE_LOST');
      session = await rt.agents.resume(socketOf(ws), attachment.agentId);
      this.#sessions.set(ws, session);
    }
    if (!attachment.agentId && helloFor(text, attachment.expectedAgentId) === 'other') {
      // The Worker chose this cluster by the agent named in the URL; a hello for another agent
      // would land that agent's commands in the wrong object.
      rt.logger.warn('agent socket refused', { code: 'AGENT_MISMATCH' });
      ws.close(CLOSE_POLICY_VIOLATION, 'AGENT_MISMATCH');
      return this.#closed(ws);
    }
    await session.message(text);
    if (!attachment.agentId && session.agentId) await this.#handshakeDone(rt, ws, attachment, session.agentId);
  }

  async #handshakeDone(rt: Runtime, ws: WebSocket, attachment: SocketAttachment, agentId: string) {
    const clusterId = await this.ctx.storage.get<string>('clusterId');
    if (!clusterId) return;
    ws.serializeAttachment({ ...attachment, agentId, clusterId } satisfies SocketAttachment);
    // A hibernated older socket of the same agent is replaced, as a live one is by the hub.
    for (const other of this.ctx.getWebSockets()) {
      if (other !== ws && !this.#sessions.has(other) && attachmentOf(other)?.agentId === agentId) {
        rt.hub.closed(other);
        other.close(4000, 'replaced by a newer connection');
      }
    }
    await this.#schedule(rt, clusterId);
  }

  async #closed(ws: WebSocket) {
    const rt = await this.#rt();
    rt.hub.closed(ws);
    const session = this.#sessions.get(ws);
    this.#sessions.delete(ws);
    this.#chains.delete(ws);
    if (session) return session.closed();
    const attachment = attachmentOf(ws);
    // A hibernated session has no object to tell: do what its `closed()` would have done.
    if (attachment?.agentId && attachment.clusterId) await rt.agents.dispatcher.agentGone(attachment.agentId, attachment.clusterId);
  }

  /** Keeps an alarm set while agents are connected: soon while work is in flight, else rarely. */
  async #schedule(rt: Runtime, clusterId: string) {
    if (rt.hub.connected(clusterId).length === 0) return;
    const busy = await rt.db
      .select({ id: command.id })
      .from(command)
      .where(and(eq(command.clusterId, clusterId), inArray(command.status, ['queued', 'sent'])))
      .limit(1)
      .get();
    const at = Date.now() + (busy ? BUSY_TICK_MS : IDLE_TICK_MS);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}

function socketOf(ws: WebSocket): SocketLike {
  return {
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
  };
}

/** Whether a first frame is a hello for the expected agent, another one, or not a hello at all. */
function helloFor(text: string, expectedAgentId: string): 'expected' | 'other' | 'none' {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'none';
  }
  const parsed = AgentMessage.safeParse(data);
  if (!parsed.success || parsed.data.type !== 'agent:hello') return 'none';
  return parsed.data.agentId === expectedAgentId ? 'expected' : 'other';
}
