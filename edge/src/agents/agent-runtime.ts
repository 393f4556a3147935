import { and, eq } from 'drizzle-orm';
import { agentService, cluster, type Db } from '@berth/db';
import type { CommandResult, EventsClaims } from '@berth/protocol';
import type { AgentHub } from '../hub/agent-hub.ts';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { Aead } from '../crypto/aead.ts';
import type { EdgeKey } from './edge-key.ts';
import { Dispatcher } from './dispatcher.ts';
import type { AgentLimits } from './agent-limits.ts';
import { pruneExpired, PRUNE_EVERY_MS, type RetentionPolicy } from './retention.ts';
import { AgentSession, type SocketLike } from './agent-session.ts';
import { observe } from '../agent-services/observe.ts';
import { recordDrift } from './drift.ts';
import { enqueueReconcile, reconcileInFlight, RECONCILE_EVERY_MS } from './reconcile.ts';

export interface AgentRuntimeDeps {
  db: Db;
  hub: AgentHub;
  bus: TenantEventBus;
  clock: Clock;
  logger: Logger;
  edgeKey: EdgeKey;
  secrets: Aead;
  limits: AgentLimits;
  retention: RetentionPolicy;
}

const SERVICE_KINDS = new Set(['service.create', 'service.update', 'service.scale', 'service.restart', 'network.ensure', 'secret.ensure']);

/**
 * Everything the edge does with agents, runtime-neutral: the outbox dispatcher, what results and
 * status events mean for agent services, and a session per socket.
 */
export class AgentRuntime {
  readonly dispatcher: Dispatcher;
  readonly #deps: AgentRuntimeDeps;
  /** When each cluster was last reconciled (ms since epoch). */
  readonly #reconciledAt = new Map<string, number>();
  #prunedAt = 0;

  constructor(deps: AgentRuntimeDeps) {
    this.#deps = deps;
    this.dispatcher = new Dispatcher({ ...deps, onResult: (row, result) => this.#onResult(row, result) });
  }

  get edgeKey() {
    return this.#deps.edgeKey;
  }

  /** A new socket: the session sends the challenge at once. */
  open(socket: SocketLike): AgentSession {
    const session = new AgentSession(
      { ...this.#deps, dispatcher: this.dispatcher, onEvents: (a, c, e) => this.#onEvents(a, c, e), onReady: (_a, c) => this.reconcile(c) },
      socket,
    );
    session.open();
    return session;
  }

  /**
   * A socket whose handshake finished before this runtime existed (a Durable Object woken from
   * hibernation): the session continues as ready, without a new challenge.
   */
  async resume(socket: SocketLike, agentId: string): Promise<AgentSession> {
    const session = new AgentSession({ ...this.#deps, dispatcher: this.dispatcher, onEvents: (a, c, e) => this.#onEvents(a, c, e) }, socket);
    await session.resume(agentId);
    return session;
  }

  /**
   * Periodic work: re-send unanswered commands, deliver queued ones, reconcile now and then, and
   * once an hour prune finished commands and old status events (see retention.ts).
   */
  async tick(): Promise<void> {
    const clusters = await this.#deps.db.select({ id: cluster.id }).from(cluster).all();
    await this.dispatcher.tick(clusters.map((c) => c.id));
    const now = this.#deps.clock.now().getTime();
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      const pruned = await pruneExpired(this.#deps.db, this.#deps.clock.now(), this.#deps.retention);
      if (pruned.commands || pruned.events) this.#deps.logger.info('expired rows pruned', pruned);
    }
    for (const { id } of clusters) {
      if (this.#deps.hub.connected(id).length === 0) continue;
      if (now - (this.#reconciledAt.get(id) ?? 0) < RECONCILE_EVERY_MS) continue;
      if (await reconcileInFlight(this.#deps.db, id)) continue;
      await this.reconcile(id);
    }
  }

  /**
   * Sends the cluster's complete desired set to one of its agents, which repairs any drift (a
   * service removed or scaled behind Berth's back, one Berth does not know) and reports it.
   */
  async reconcile(clusterId: string): Promise<void> {
    this.#reconciledAt.set(clusterId, this.#deps.clock.now().getTime());
    await enqueueReconcile(this.#deps.db, clusterId, this.#deps.clock.now());
    await this.dispatcher.kick(clusterId);
  }

  async #onResult(row: { kind: string; agentServiceId: string | null; agentId: string | null; clusterId: string }, result: CommandResult) {
    if (row.kind === 'reconcile') return recordDrift(this.#deps, row.agentId, row.clusterId, result);
    if (!row.agentServiceId) return;
    const status = this.#deps;
    if (!result.ok) {
      if (SERVICE_KINDS.has(row.kind) || row.kind === 'service.remove') {
        await observe(status, row.agentServiceId, 'command-failed', { reason: `${result.error.code}: ${result.error.message}` });
      }
      return;
    }
    if (row.kind === 'service.remove') await observe(status, row.agentServiceId, 'remove-done', { reason: null });
  }

  /**
   * Status events, accepted only for services that run on the reporting agent's cluster. A live
   * service reported `removed` was removed behind Berth's back: that is drift, not the end of the
   * service; it reads `degraded` and a reconcile puts it back.
   */
  async #onEvents(agentId: string, clusterId: string, claims: EventsClaims) {
    let drifted = false;
    for (const event of claims.events) {
      const owned = await this.#deps.db
        .select({ id: agentService.id, status: agentService.status })
        .from(agentService)
        .where(and(eq(agentService.id, event.agentServiceId), eq(agentService.tenantId, event.tenantId), eq(agentService.clusterId, clusterId)))
        .get();
      if (!owned) {
        this.#deps.logger.debug('status event for a service outside the agent cluster ignored', { agentId, clusterId, agentServiceId: event.agentServiceId });
        continue;
      }
      // The remove command's result usually gets here before the watcher sees the service go.
      if (event.status === 'removed' && owned.status === 'removed') continue;
      if (event.status === 'removed' && owned.status !== 'removing') {
        this.#deps.logger.warn('agent service vanished from the swarm', { agentId, clusterId, tenantId: event.tenantId, agentServiceId: event.agentServiceId });
        await observe(this.#deps, event.agentServiceId, 'vanished', { reason: 'the swarm service disappeared; reconciling', tasks: [] });
        drifted = true;
        continue;
      }
      await observe(this.#deps, event.agentServiceId, 'observed', { status: event.status, reason: event.reason ?? null, tasks: event.tasks });
    }
    if (drifted) await this.reconcile(clusterId);
  }
}
