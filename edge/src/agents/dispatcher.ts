import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { agent, agentServiceSecret, command, membership, StoredJsonInvalid, user, type Db } from '@berth/db';
import { CLOSE_POLICY_VIOLATION, type Command, ROLE_RANK, type CommandResult, type EdgeMessage, type ResultClaims, type Role } from '@berth/protocol';
import type { AgentHub } from '../hub/agent-hub.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Aead } from '../crypto/aead.ts';
import type { EdgeKey } from './edge-key.ts';
import { signCommand } from './edge-signer.ts';
import { findLiveToken } from '../tokens/token-authority.ts';
import { isExpiredTail, TAIL_DROPPED } from './tail-lifetime.ts';

type CommandRow = typeof command.$inferSelect;

export interface DispatcherDeps {
  db: Db;
  hub: AgentHub;
  clock: Clock;
  logger: Logger;
  edgeKey: EdgeKey;
  secrets: Aead;
  /** Applies what a result means for the desired state (status, removal). */
  onResult(row: CommandRow, result: CommandResult): Promise<void>;
}

/** A sent command without an answer for this long is sent again (re-signed, same jti and seq). */
export const RESEND_AFTER_MS = 20_000;
/**
 * A command sent this many times under one seq without an answer goes back to the queue and gets
 * a new seq. An agent answers every command it applied (from its store, by jti, whatever the
 * seq), so silence means it refuses the seq as stale: its replay state is ahead of what this
 * edge issued (an edge database restored from a backup, say). The jti stays, so nothing runs twice.
 */
export const SENDS_PER_SEQ = 3;
/**
 * The least role a command's author (a member, or a token through its creator) must still hold in
 * the tenant for it to go out: every route that queues a command needs operator (permissions.ts).
 */
const COMMAND_AUTHOR_MIN_ROLE: Role = 'operator';

/**
 * Delivers the outbox: at least once, in seq order per agent, to one connected agent of the
 * command's cluster. Work per cluster is serialized, so seqs are handed out in send order.
 *
 *   queued ──send──► sent ──result──► done | failed
 *     ▲               │
 *     └── requeue ────┘  (its agent left and another agent of the cluster is here, or
 *                         SENDS_PER_SEQ sends under one seq went unanswered: a new seq)
 *   queued ──► cancelled (before it went out, its author's account was deactivated or left the
 *                         tenant or fell below operator, or its token was revoked or lost its
 *                         creator's authority)
 *   queued | sent ──► cancelled (a log tail past LOGS_TAIL_TTL_MS, or its agent left)
 */
export class Dispatcher {
  readonly #deps: DispatcherDeps;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #waiters = new Map<string, (result: CommandResult) => void>();

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /** Schedules a delivery pass for a cluster, after the work already scheduled for it. */
  kick(clusterId: string): Promise<void> {
    return this.#serial(clusterId, () => this.#deliver(clusterId));
  }

  /**
   * Runs `work` after everything scheduled before it for the cluster. Every path that puts a seq
   * on the wire (delivery and re-sends alike) runs here, so frames leave in seq order: an agent
   * that saw a higher seq first would refuse a re-sent lower one as stale.
   */
  #serial(clusterId: string, work: () => Promise<void>): Promise<void> {
    const prev = this.#chains.get(clusterId) ?? Promise.resolve();
    const next = prev
      .then(work)
      .catch((err: unknown) => this.#deps.logger.error('dispatch failed', { clusterId, errorName: err instanceof Error ? err.name : typeof err }));
    this.#chains.set(clusterId, next);
    void next.finally(() => {
      if (this.#chains.get(clusterId) === next) this.#chains.delete(clusterId);
    });
    return next;
  }

  /** Resolves with the command's result when it arrives here, or undefined after `timeoutMs`. */
  waitFor(commandId: string, timeoutMs: number): Promise<CommandResult | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(commandId);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.set(commandId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  /**
   * An agent finished its handshake: `attach` makes it deliverable, then what it left unanswered
   * is re-sent, what agents gone left is failed over, and the queue is delivered, all in one pass
   * of the cluster's chain, so no new command reaches it ahead of (and above) a re-sent one.
   */
  agentReady(agentId: string, clusterId: string, attach: () => void): Promise<void> {
    return this.#serial(clusterId, async () => {
      attach();
      if (!this.#deps.hub.isConnected(agentId)) return; // it left before its turn
      const { db } = this.#deps;
      const connected = new Set(this.#deps.hub.connected(clusterId));
      const stranded = await db
        .select({ id: command.id, agentId: command.agentId })
        .from(command)
        .where(and(eq(command.clusterId, clusterId), eq(command.status, 'sent')))
        .all();
      const orphaned = stranded.filter((c) => c.agentId !== agentId && (!c.agentId || !connected.has(c.agentId))).map((c) => c.id);
      if (orphaned.length) await this.#requeue(orphaned);
      await this.#resend(agentId, clusterId);
      await this.#deliver(clusterId);
    });
  }

  /** An agent's socket closed: if its cluster still has another agent, move its work there. */
  agentGone(agentId: string, clusterId: string): Promise<void> {
    return this.#serial(clusterId, async () => {
      const tails = await this.#deps.db
        .select({ id: command.id })
        .from(command)
        .where(and(eq(command.agentId, agentId), eq(command.status, 'sent'), eq(command.kind, 'logs.tail')))
        .all();
      await this.#drop(tails.map((r) => r.id));
      if (this.#deps.hub.connected(clusterId).length === 0) return;
      const rows = await this.#deps.db
        .select({ id: command.id })
        .from(command)
        .where(and(eq(command.agentId, agentId), eq(command.status, 'sent')))
        .all();
      if (rows.length) await this.#requeue(rows.map((r) => r.id));
      await this.#deliver(clusterId);
    });
  }

  /**
   * An agent was revoked (its row already says so and its unanswered commands are queued again):
   * its sockets here close at once, and what it left goes to another agent of the cluster.
   */
  agentRevoked(agentId: string, clusterId: string): Promise<void> {
    this.#deps.hub.disconnect(agentId, CLOSE_POLICY_VIOLATION, 'AGENT_REVOKED');
    return this.kick(clusterId);
  }

  /** Periodic: re-send unanswered commands and deliver anything queued. */
  async tick(clusterIds: string[]): Promise<void> {
    const cutoff = new Date(this.#deps.clock.now().getTime() - RESEND_AFTER_MS);
    const stale = await this.#deps.db
      .selectDistinct({ agentId: command.agentId, clusterId: command.clusterId })
      .from(command)
      .where(and(eq(command.status, 'sent'), lt(command.sentAt, cutoff)))
      .all();
    for (const { agentId, clusterId } of stale) {
      if (agentId && this.#deps.hub.isConnected(agentId)) await this.#serial(clusterId, () => this.#resend(agentId, clusterId, cutoff));
    }
    for (const id of clusterIds) await this.kick(id);
  }

  /** A signed result arrived from `agentId` (already verified). */
  async result(agentId: string, claims: ResultClaims): Promise<void> {
    const { db, clock } = this.#deps;
    const row = await db
      .select()
      .from(command)
      .where(and(eq(command.id, claims.jti), eq(command.agentId, agentId), eq(command.seq, claims.seq)))
      .get();
    if (!row || row.status === 'done' || row.status === 'failed' || row.status === 'cancelled') return; // unknown, moved, dropped, or a duplicate answer
    const status = claims.result.ok ? 'done' : 'failed';
    // logs.tail answers can be large and are tenant data: keep the outcome, not the lines.
    const stored: CommandResult = row.kind === 'logs.tail' && claims.result.ok ? { ok: true } : claims.result;
    await db.update(command).set({ status, result: stored, doneAt: clock.now() }).where(eq(command.id, row.id));
    await this.#deps.onResult(row, claims.result);
    this.#waiters.get(row.id)?.(claims.result);
    this.#waiters.delete(row.id);
  }

  /** Cancels log tails that will not be answered, and tells whoever still waits for one. */
  async #drop(ids: string[]) {
    if (!ids.length) return;
    await this.#deps.db
      .update(command)
      .set({ status: 'cancelled', doneAt: this.#deps.clock.now() })
      .where(and(inArray(command.id, ids), inArray(command.status, ['queued', 'sent'])));
    for (const id of ids) {
      this.#waiters.get(id)?.(TAIL_DROPPED);
      this.#waiters.delete(id);
    }
  }

  async #requeue(ids: string[]) {
    await this.#deps.db.update(command).set({ status: 'queued', agentId: null, seq: null }).where(inArray(command.id, ids));
  }

  /**
   * One delivery pass: everything queued for the cluster goes to one agent. The pass is claimed in
   * two writes whatever its size (seqs reserved at once, then every row marked sent in one batch),
   * and the frames are signed in parallel and sent in seq order, so the last command of a create
   * does not wait for a round trip per command ahead of it.
   */
  async #deliver(clusterId: string): Promise<void> {
    const { db, hub, clock } = this.#deps;
    const agentId = hub.connected(clusterId)[0];
    if (!agentId) return;
    const queued = await db
      .select()
      .from(command)
      .where(and(eq(command.clusterId, clusterId), eq(command.status, 'queued')))
      .orderBy(asc(command.createdAt), asc(sql`rowid`))
      .all();
    const valid = new Map<string, Promise<boolean>>();
    const deliverable: CommandRow[] = [];
    const expired = queued.filter((row) => isExpiredTail(row, this.#deps.clock.now()));
    await this.#drop(expired.map((r) => r.id));
    for (const row of queued) {
      if (expired.includes(row)) continue;
      const key = `${row.actorType}:${row.actorId ?? ''}`;
      if (!valid.has(key)) valid.set(key, this.#authorStillValid(row));
      if (await valid.get(key)) {
        deliverable.push(row);
        continue;
      }
      await db.update(command).set({ status: 'cancelled', doneAt: clock.now() }).where(eq(command.id, row.id));
      this.#deps.logger.warn('command cancelled: its author was revoked or lost its role', { commandId: row.id, tenantId: row.tenantId });
      await this.#deps.onResult(row, { ok: false, error: { code: 'CANCELLED', message: 'the account or token that asked for this was revoked or lost its role in the tenant' } });
    }
    const [first] = deliverable;
    if (!first || !hub.isConnected(agentId)) return;
    const bumped = await db
      .update(agent)
      .set({ lastIssuedSeq: sql`${agent.lastIssuedSeq} + ${deliverable.length}` })
      .where(eq(agent.id, agentId))
      .returning({ seq: agent.lastIssuedSeq });
    const last = bumped[0]?.seq;
    if (last === undefined) return;
    const sentAt = clock.now();
    const claimed = deliverable.map((row, i) => ({ ...row, status: 'sent' as const, agentId, seq: last - deliverable.length + 1 + i, sentAt, attempts: row.attempts + 1 }));
    const [head, ...tail] = claimed.map((row) =>
      db.update(command).set({ status: row.status, agentId, seq: row.seq, sentAt, attempts: row.attempts }).where(eq(command.id, row.id)),
    );
    if (!head) return;
    await db.batch([head, ...tail]);
    const frames = await Promise.all(claimed.map((row) => this.#sign(row)));
    for (const frame of frames) if (frame) this.#deps.hub.send(agentId, frame);
  }

  /** Re-sends `agentId`'s unanswered commands (run in the cluster's chain). */
  async #resend(agentId: string, clusterId: string, olderThan?: Date) {
    const rows = await this.#deps.db
      .select()
      .from(command)
      .where(and(eq(command.agentId, agentId), eq(command.status, 'sent'), ...(olderThan ? [lt(command.sentAt, olderThan)] : [])))
      .orderBy(asc(command.seq))
      .all();
    const expired = rows.filter((row) => isExpiredTail(row, this.#deps.clock.now()));
    await this.#drop(expired.map((r) => r.id));
    const live = rows.filter((row) => !expired.includes(row));
    const unanswered = live.filter((row) => row.attempts >= SENDS_PER_SEQ);
    for (const row of live) {
      if (row.attempts >= SENDS_PER_SEQ) continue;
      await this.#deps.db.update(command).set({ sentAt: this.#deps.clock.now(), attempts: row.attempts + 1 }).where(eq(command.id, row.id));
      await this.#send(row);
    }
    if (!unanswered.length) return;
    this.#deps.logger.warn('commands unanswered under their seq: queued again for a new one', { agentId, count: unanswered.length });
    await this.#deps.db
      .update(command)
      .set({ status: 'queued', agentId: null, seq: null, attempts: 0 })
      .where(and(inArray(command.id, unanswered.map((r) => r.id)), eq(command.status, 'sent')));
    // Already in the cluster's chain: deliver here (a kick would wait behind this very pass).
    await this.#deliver(clusterId);
  }

  async #send(row: CommandRow) {
    const frame = await this.#sign(row);
    if (frame && row.agentId) this.#deps.hub.send(row.agentId, frame);
  }

  /** The signed frame of a claimed command; undefined (and the command failed) if unreadable. */
  async #sign(row: CommandRow): Promise<EdgeMessage | undefined> {
    if (!row.agentId || row.seq === null) return undefined;
    const cmd = await this.#materialize(row);
    if (!cmd) {
      await this.#deps.db.update(command).set({ status: 'failed', result: { ok: false, error: { code: 'INVALID_COMMAND', message: 'stored command is unreadable' } } }).where(eq(command.id, row.id));
      return undefined;
    }
    const jws = await signCommand(this.#deps.edgeKey, { agentId: row.agentId, jti: row.id, seq: row.seq, cmd, now: this.#deps.clock.now() });
    return { type: 'edge:command', jws };
  }

  /** The stored command, with a secret's value joined in from the sealed store. */
  async #materialize(row: CommandRow): Promise<Command | undefined> {
    const cmd = row.payload;
    if (cmd instanceof StoredJsonInvalid) return undefined;
    if (cmd.kind !== 'secret.ensure' || !row.agentServiceId) return cmd;
    const secret = await this.#deps.db
      .select({ ciphertext: agentServiceSecret.ciphertext })
      .from(agentServiceSecret)
      .where(and(eq(agentServiceSecret.agentServiceId, row.agentServiceId), eq(agentServiceSecret.name, cmd.name)))
      .get();
    if (!secret) return undefined;
    const value = await this.#deps.secrets.decrypt(secret.ciphertext);
    return { ...cmd, valueB64: toBase64(value) };
  }

  async #authorStillValid(row: CommandRow): Promise<boolean> {
    if (!row.actorId) return true; // system (reconcile)
    const { db, clock } = this.#deps;
    if (row.actorType === 'user') {
      // Still an active account, and still a member of the command's tenant with a role that queues commands.
      const m = await db
        .select({ role: membership.role })
        .from(user)
        .innerJoin(membership, and(eq(membership.userId, user.id), eq(membership.tenantId, row.tenantId)))
        .where(and(eq(user.id, row.actorId), isNull(user.deactivatedAt)))
        .get();
      return m !== undefined && ROLE_RANK[m.role] >= ROLE_RANK[COMMAND_AUTHOR_MIN_ROLE];
    }
    if (row.actorType === 'token') {
      // The token's authority as it stands now: revoked, expired, or its creator removed from the
      // tenant, deactivated or demoted below what queues commands, and the command is not sent.
      const t = await findLiveToken(db, { id: row.actorId }, clock.now());
      return t !== undefined && t.tenantId === row.tenantId && ROLE_RANK[t.role] >= ROLE_RANK[COMMAND_AUTHOR_MIN_ROLE];
    }
    return true;
  }
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
