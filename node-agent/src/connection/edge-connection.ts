import WebSocket from 'ws';
import { CLOSE_POLICY_VIOLATION, EdgeMessage, type AgentMessage } from '@berth/protocol';
import type { Logger } from '../logger.ts';
import type { AgentSigner } from '../signing/agent-signer.ts';
import { backoffDelay } from './backoff.ts';
import { nextState, type ConnEvent, type ConnState } from './connection-state.ts';

/** Dependencies and settings of the edge connection. */
export interface EdgeConnectionOptions {
  url: string;
  signer: AgentSigner;
  version: string;
  swarmNodeId: string;
  /** Highest applied command seq, read at every hello. */
  lastSeq: () => number;
  /** Heartbeat period until the edge's welcome says otherwise. */
  heartbeatMs: number;
  backoffBaseMs?: number;
  backoffMaxMs: number;
  /** How long to wait for challenge + welcome after the socket opens. */
  authTimeoutMs?: number;
  log: Logger;
  /** A command JWS arrived (only in `ready`). */
  onCommand: (jws: string) => void;
  /** The connection became ready (after every (re)connect). */
  onReady?: () => void;
  /** Every state change (tests, metrics). */
  onState?: (s: ConnState) => void;
}

/**
 * The agent's WebSocket link to the edge: challenge/hello authentication, heartbeats with a
 * ping-based dead-peer check, strict frame validation (invalid frames close with 1008) and
 * capped, jittered reconnects. See connection-state.ts for the lifecycle.
 */
export class EdgeConnection {
  readonly #o: EdgeConnectionOptions;
  #state: ConnState = 'idle';
  #ws: WebSocket | undefined;
  #attempt = 0;
  #heartbeatMs: number;
  #timers = new Set<NodeJS.Timeout>();
  #awaitingPong = false;
  #stopped: Promise<void> | undefined;
  #resolveStopped: (() => void) | undefined;

  /** What to do on entering each state. */
  readonly #onEnter: Record<ConnState, () => void> = {
    idle: () => undefined,
    connecting: () => this.#connect(),
    authenticating: () => this.#timer(() => this.#fail('authentication timed out'), this.#o.authTimeoutMs ?? 10_000),
    ready: () => {
      this.#attempt = 0;
      this.#clearTimers();
      this.#startHeartbeat();
      this.#o.log.info('edge connection ready', { agentId: this.#o.signer.agentId });
      this.#o.onReady?.();
    },
    backoff: () => {
      this.#clearTimers();
      const delay = backoffDelay(this.#attempt, { baseMs: this.#o.backoffBaseMs ?? 500, maxMs: this.#o.backoffMaxMs });
      this.#attempt += 1;
      this.#o.log.info('edge connection lost, reconnecting', { delayMs: delay, attempt: this.#attempt });
      this.#timer(() => this.#fire('retry'), delay);
    },
    stopped: () => {
      this.#clearTimers();
      const ws = this.#ws;
      this.#ws = undefined;
      if (ws && ws.readyState !== WebSocket.CLOSED) {
        ws.once('close', () => this.#resolveStopped?.());
        ws.close(1000, 'agent stopping');
        this.#timer(() => {
          ws.terminate();
          this.#resolveStopped?.();
        }, 2000);
      } else {
        this.#resolveStopped?.();
      }
    },
  };

  constructor(o: EdgeConnectionOptions) {
    this.#o = o;
    this.#heartbeatMs = o.heartbeatMs;
  }

  /** Current lifecycle state. */
  get state(): ConnState {
    return this.#state;
  }

  /** Starts connecting (idempotent). */
  start(): void {
    this.#fire('start');
  }

  /** Closes the link for good; resolves once the socket is closed. Idempotent. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#resolveStopped = resolve;
      this.#fire('stop');
    });
    return this.#stopped;
  }

  /**
   * Drops the current socket and connects again (normal backoff), so the edge re-sends what is
   * unanswered and reconciles on the new handshake. No-op unless ready.
   */
  reconnect(reason: string): void {
    if (this.#state !== 'ready') return;
    this.#fail(reason, 1000);
  }

  /** Sends a frame when ready; false otherwise (callers keep what they could not send). */
  send(msg: AgentMessage): boolean {
    const ws = this.#ws;
    if (this.#state !== 'ready' || !ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  #fire(event: ConnEvent): void {
    const to = nextState(this.#state, event);
    if (to === undefined) return;
    this.#state = to;
    this.#o.onState?.(to);
    this.#onEnter[to]();
  }

  #timer(fn: () => void, ms: number, repeat = false): void {
    const t = repeat ? setInterval(fn, ms) : setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#o.url, { maxPayload: 4 * 1024 * 1024, handshakeTimeout: 10_000 });
    } catch (e) {
      this.#o.log.warn('edge connection failed', { error: e instanceof Error ? e.message : String(e) });
      queueMicrotask(() => this.#fire('close'));
      return;
    }
    this.#ws = ws;
    ws.on('open', () => {
      if (this.#ws === ws) this.#fire('open');
    });
    ws.on('message', (data, isBinary) => {
      if (this.#ws === ws) void this.#onFrame(ws, isBinary ? undefined : data.toString());
    });
    ws.on('pong', () => {
      this.#awaitingPong = false;
    });
    ws.on('error', (e) => {
      this.#o.log.warn('edge socket error', { error: e.message });
    });
    ws.on('close', (code) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#o.log.info('edge socket closed', { closeCode: code });
      this.#fire('close');
    });
  }

  #fail(reason: string, code = 1011): void {
    this.#o.log.warn('closing edge socket', { reason, closeCode: code });
    const ws = this.#ws;
    if (!ws) return;
    ws.close(code, reason.slice(0, 100));
    // A peer that never completes the close handshake must not keep us from reconnecting.
    this.#timer(() => ws.terminate(), 2000);
  }

  async #onFrame(ws: WebSocket, raw: string | undefined): Promise<void> {
    let json: unknown;
    try {
      json = raw === undefined ? undefined : JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = EdgeMessage.safeParse(json);
    if (!parsed.success) {
      this.#fail('invalid frame', CLOSE_POLICY_VIOLATION);
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'edge:challenge': {
        if (this.#state !== 'authenticating') return this.#fail('unexpected challenge', CLOSE_POLICY_VIOLATION);
        const proof = await this.#o.signer.hello(msg.nonce);
        if (this.#ws !== ws) return;
        const hello: AgentMessage = {
          type: 'agent:hello',
          agentId: this.#o.signer.agentId,
          proof,
          version: this.#o.version,
          lastSeq: this.#o.lastSeq(),
          swarmNodeId: this.#o.swarmNodeId,
        };
        ws.send(JSON.stringify(hello));
        return;
      }
      case 'edge:welcome':
        if (this.#state !== 'authenticating' || msg.agentId !== this.#o.signer.agentId) return this.#fail('unexpected welcome', CLOSE_POLICY_VIOLATION);
        this.#heartbeatMs = msg.heartbeatIntervalMs;
        this.#fire('welcome');
        return;
      case 'edge:command':
        if (this.#state !== 'ready') return this.#fail('command before welcome', CLOSE_POLICY_VIOLATION);
        this.#o.onCommand(msg.jws);
        return;
      case 'edge:error':
        this.#o.log.warn('edge reported an error', { code: msg.code });
        return;
    }
  }

  #startHeartbeat(): void {
    this.#awaitingPong = false;
    this.#timer(() => {
      const ws = this.#ws;
      if (!ws || this.#state !== 'ready') return;
      if (this.#awaitingPong) {
        this.#o.log.warn('edge did not answer ping, reconnecting');
        ws.terminate();
        return;
      }
      this.#awaitingPong = true;
      ws.ping();
      this.send({ type: 'agent:heartbeat', at: Date.now() });
    }, this.#heartbeatMs, true);
  }
}
