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
import { AgentSession, type SocketLike } from './agent-session.ts';
import { observe } from './status.ts';

export interface AgentRuntimeDeps {
  db: Db;
  hub: AgentHub;
  bus: TenantEventBus;
  clock: Clock;
  logger: Logger;
  edgeKey: EdgeKey;
  secrets: Aead;
}

const SERVICE_KINDS = new Set(['service.create', 'service.update', 'service.scale', 'service.restart', 'network.ensure', 'secret.ensure']);

/**
 * Everything the edge does with agents, runtime-neutral: the outbox dispatcher, what results and
 * status events mean for agent services, and a session per socket.
 */
export class AgentRuntime {
  readonly dispatcher: Dispatcher;
  readonly #deps: AgentRuntimeDeps;

  constructor(deps: AgentRuntimeDeps) {
    this.#deps = deps;
    this.dispatcher = new Dispatcher({ ...deps, onResult: (row, result) => this.#onResult(row, result) });
  }

  get edgeKey() {
    return this.#deps.edgeKey;
  }

  /** A new socket: the session sends the challenge at once. */
  open(socket: SocketLike): AgentSession {
    const session = new AgentSession({ ...this.#deps, dispatcher: this.dispatcher, onEvents: (a, c, e) => this.#onEvents(a, c, e) }, socket);
    session.open();
    return session;
  }

  /** Periodic work: re-send unanswered commands, deliver queued ones. */
  async tick(): Promise<void> {
    const clusters = await this.#deps.db.select({ id: cluster.id }).from(cluster).all();
    await this.dispatcher.tick(clusters.map((c) => c.id));
  }

  async #onResult(row: { kind: string; agentServiceId: string | null }, result: CommandResult) {
    if (!row.agentServiceId) return;
    const status = this.#deps;
    if (!result.ok) {
      if (SERVICE_KINDS.has(row.kind) || row.kind === 'service.remove') {
        await observe(status, row.agentServiceId, { status: 'failed', reason: `${result.error.code}: ${result.error.message}` });
      }
      return;
    }
    if (row.kind === 'service.remove') await observe(status, row.agentServiceId, { status: 'removed', reason: null });
  }

  /** Status events, accepted only for services that run on the reporting agent's cluster. */
  async #onEvents(agentId: string, clusterId: string, claims: EventsClaims) {
    for (const event of claims.events) {
      const owned = await this.#deps.db
        .select({ id: agentService.id })
        .from(agentService)
        .where(and(eq(agentService.id, event.agentServiceId), eq(agentService.tenantId, event.tenantId), eq(agentService.clusterId, clusterId)))
        .get();
      if (!owned) {
        this.#deps.logger.debug('status event for a service outside the agent cluster ignored', { agentId, clusterId, agentServiceId: event.agentServiceId });
        continue;
      }
      await observe(this.#deps, event.agentServiceId, { status: event.status, reason: event.reason ?? null, tasks: event.tasks });
    }
  }
}
