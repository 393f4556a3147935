import { and, eq, isNull, sql } from 'drizzle-orm';
import { agent, StoredJsonInvalid, type Db } from '@berth/db';
import { AgentMessage, CLOSE_POLICY_VIOLATION, type EdgeMessage, type EventsClaims } from '@berth/protocol';
import type { CryptoKey } from 'jose';
import type { AgentHub, AgentLink } from '../hub/agent-hub.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Dispatcher } from './dispatcher.ts';
import { FrameBudget, type AgentLimits } from './agent-limits.ts';
import { AgentFrameRejected, importAgentKey, verifyEvents, verifyHello, verifyResult } from './edge-signer.ts';

/** How often agents heartbeat; an agent silent for three intervals counts as unreachable. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const UNREACHABLE_AFTER_MS = 15_000;
const HELLO_TIMEOUT_MS = 10_000;

/** What a session needs from a runtime socket. */
export interface SocketLike {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface SessionDeps {
  db: Db;
  hub: AgentHub;
  clock: Clock;
  logger: Logger;
  dispatcher: Dispatcher;
  onEvents(agentId: string, clusterId: string, claims: EventsClaims): Promise<void>;
  /** The agent finished its handshake and its unanswered commands went out again. */
  onReady?(agentId: string, clusterId: string): Promise<void>;
  limits: AgentLimits;
}

type State = 'challenged' | 'ready' | 'closed';

/**
 * One agent socket, runtime-neutral (the Node ws adapter and the Durable Object feed it text).
 *
 *   open ──► challenged ──valid agent:hello──► ready ──close──► closed
 *                │ (bad frame, bad proof, 10 s)      │ (bad frame: 1008)
 *                └──────────────► closed ◄───────────┘
 *
 * Every frame is zod-validated; anything invalid closes the socket with 1008.
 */
export class AgentSession {
  #state: State = 'challenged';
  #nonce = '';
  #agentId = '';
  #clusterId = '';
  #key: CryptoKey | undefined;
  #link: AgentLink | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSeen = 0;
  #eventBudget: FrameBudget | undefined;
  readonly #deps: SessionDeps;
  readonly #socket: SocketLike;

  constructor(deps: SessionDeps, socket: SocketLike) {
    this.#deps = deps;
    this.#socket = socket;
  }

  get agentId() {
    return this.#agentId;
  }

  get lastSeen() {
    return this.#lastSeen;
  }

  open() {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    this.#nonce = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    this.#send({ type: 'edge:challenge', nonce: this.#nonce });
    this.#helloTimer = setTimeout(() => this.#fail('HELLO_TIMEOUT', 'no hello in time'), HELLO_TIMEOUT_MS);
  }

  async message(raw: string): Promise<void> {
    if (this.#state === 'closed') return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return this.#fail('MALFORMED_FRAME', 'frame is not JSON');
    }
    const parsed = AgentMessage.safeParse(data);
    if (!parsed.success) return this.#fail('MALFORMED_FRAME', 'frame does not match the protocol');
    const frame = parsed.data;
    this.#lastSeen = this.#deps.clock.now().getTime();
    try {
      if (this.#state === 'challenged') {
        if (frame.type !== 'agent:hello') return this.#fail('HELLO_REQUIRED', 'say hello first');
        return await this.#hello(frame);
      }
      if (frame.type === 'agent:hello') return this.#fail('DUPLICATE_HELLO', 'already authenticated');
      // A revoked agent's key stops counting at once, on every edge instance sharing the database.
      if (!(await this.#stillEnrolled())) return this.#fail('AGENT_REVOKED', 'agent was revoked');
      switch (frame.type) {
        case 'agent:heartbeat':
          return await this.#heartbeat();
        case 'agent:result':
          return await this.#deps.dispatcher.result(this.#agentId, await verifyResult(frame.jws, this.#requireKey(), this.#agentId, this.#deps.clock.now()));
        case 'agent:events':
          if (new TextEncoder().encode(raw).byteLength > this.#deps.limits.maxEventFrameBytes) return this.#fail('FRAME_TOO_LARGE', 'events frame is too large');
          this.#eventBudget ??= new FrameBudget(this.#deps.limits.maxEventFramesPerMinute, this.#lastSeen);
          if (!this.#eventBudget.take(this.#lastSeen)) return this.#fail('EVENT_RATE_EXCEEDED', 'too many events frames');
          return await this.#deps.onEvents(this.#agentId, this.#clusterId, await verifyEvents(frame.jws, this.#requireKey(), this.#agentId, this.#deps.clock.now()));
      }
    } catch (err) {
      if (err instanceof AgentFrameRejected) return this.#fail(err.code, err.message);
      throw err;
    }
  }

  /**
   * Picks up a socket whose handshake finished in an earlier life of this process (a Durable
   * Object woken from hibernation): no new challenge, straight to ready, as long as the agent is
   * still enrolled. Unanswered commands are not re-sent here; the dispatcher's tick does that.
   */
  async resume(agentId: string): Promise<void> {
    const row = await this.#deps.db
      .select()
      .from(agent)
      .where(and(eq(agent.id, agentId), isNull(agent.revokedAt)))
      .get();
    if (!row) return this.#fail('UNKNOWN_AGENT', 'agent is not enrolled');
    if (row.publicKeyJwk instanceof StoredJsonInvalid) return this.#fail('UNKNOWN_AGENT', 'agent key unreadable');
    this.#ready(row.id, row.clusterId, await importAgentKey(row.publicKeyJwk));
    this.#attach();
  }

  /** The socket closed (either side). */
  closed() {
    if (this.#state === 'closed') return;
    const wasReady = this.#state === 'ready';
    this.#state = 'closed';
    clearTimeout(this.#helloTimer);
    if (this.#link) this.#deps.hub.remove(this.#link);
    if (wasReady) {
      this.#deps.logger.info('agent disconnected', { agentId: this.#agentId, clusterId: this.#clusterId });
      void this.#deps.dispatcher.agentGone(this.#agentId, this.#clusterId);
    }
  }

  async #hello(frame: Extract<AgentMessage, { type: 'agent:hello' }>) {
    const row = await this.#deps.db
      .select()
      .from(agent)
      .where(and(eq(agent.id, frame.agentId), isNull(agent.revokedAt)))
      .get();
    if (!row) return this.#fail('UNKNOWN_AGENT', 'agent is not enrolled');
    if (row.publicKeyJwk instanceof StoredJsonInvalid) return this.#fail('UNKNOWN_AGENT', 'agent key unreadable');
    const key = await importAgentKey(row.publicKeyJwk);
    const claims = await verifyHello(frame.proof, key, row.id, this.#deps.clock.now());
    if (claims.nonce !== this.#nonce) return this.#fail('AGENT_SIGNATURE_INVALID', 'proof is for another challenge');
    clearTimeout(this.#helloTimer);
    this.#ready(row.id, row.clusterId, key);
    // Seqs this edge hands out from now on start above the last one the agent applied, even if
    // this database forgot some it issued (restored from a backup).
    await this.#deps.db.update(agent).set({ lastIssuedSeq: sql`max(${agent.lastIssuedSeq}, ${frame.lastSeq})`, lastSeenAt: this.#deps.clock.now(), version: frame.version, swarmNodeId: frame.swarmNodeId }).where(eq(agent.id, row.id));
    this.#send({ type: 'edge:welcome', agentId: row.id, clusterId: row.clusterId, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS });
    this.#deps.logger.info('agent connected', { agentId: row.id, clusterId: row.clusterId, version: frame.version });
    // The socket joins the hub inside the dispatcher's pass for the cluster, so nothing new goes
    // out to this agent ahead of the re-sent commands it left unanswered (lower seqs first).
    await this.#deps.dispatcher.agentReady(row.id, row.clusterId, () => this.#attach());
    await this.#deps.onReady?.(row.id, row.clusterId);
  }

  #ready(agentId: string, clusterId: string, key: CryptoKey) {
    this.#state = 'ready';
    this.#agentId = agentId;
    this.#clusterId = clusterId;
    this.#key = key;
    this.#link = {
      agentId,
      clusterId,
      send: (f) => this.#send(f),
      close: (code, reason) => this.#socket.close(code, reason),
    };
  }

  /** Makes this socket the agent's link for delivery (unless it closed meanwhile). */
  #attach() {
    if (this.#state === 'ready' && this.#link) this.#deps.hub.add(this.#link);
  }

  async #stillEnrolled(): Promise<boolean> {
    const row = await this.#deps.db
      .select({ id: agent.id })
      .from(agent)
      .where(and(eq(agent.id, this.#agentId), isNull(agent.revokedAt)))
      .get();
    return row !== undefined;
  }

  async #heartbeat() {
    await this.#deps.db.update(agent).set({ lastSeenAt: this.#deps.clock.now() }).where(eq(agent.id, this.#agentId));
  }

  #requireKey(): CryptoKey {
    if (!this.#key) throw new AgentFrameRejected('AGENT_SIGNATURE_INVALID', 'no key');
    return this.#key;
  }

  #send(frame: EdgeMessage) {
    if (this.#state !== 'closed') this.#socket.send(JSON.stringify(frame));
  }

  #fail(code: string, message: string) {
    this.#deps.logger.warn('agent socket refused', { code, agentId: this.#agentId || undefined });
    this.#send({ type: 'edge:error', code, message });
    this.#socket.close(CLOSE_POLICY_VIOLATION, code);
    this.closed();
  }
}
