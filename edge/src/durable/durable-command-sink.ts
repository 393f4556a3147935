import { waitUntil } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { command, type Db } from '@berth/db';
import type { CommandResult } from '@berth/protocol';
import type { CommandSink } from '../agent-services/index.ts';
import type { ClusterHub } from './cluster-hub.ts';

/**
 * Where the Worker's API puts new commands: the outbox row is already written; this tells the
 * cluster's ClusterHub (which holds its agents' sockets and runs the dispatcher) to deliver.
 */
export class DurableCommandSink implements CommandSink {
  readonly #ns: DurableObjectNamespace<ClusterHub>;
  readonly #db: Db;

  constructor(ns: DurableObjectNamespace<ClusterHub>, db: Db) {
    this.#ns = ns;
    this.#db = db;
  }

  kick(clusterId: string): Promise<void> {
    const done = this.#ns.getByName(clusterId).kick(clusterId);
    // Callers may not wait; the delivery must still finish after the response went out.
    waitUntil(done.catch(() => undefined));
    return done;
  }

  agentRevoked(agentId: string, clusterId: string): Promise<void> {
    return this.#ns.getByName(clusterId).revoke(agentId, clusterId);
  }

  async waitFor(commandId: string, timeoutMs: number): Promise<CommandResult | undefined> {
    const row = await this.#db.select({ clusterId: command.clusterId }).from(command).where(eq(command.id, commandId)).get();
    if (!row) return undefined;
    return this.#ns.getByName(row.clusterId).waitFor(commandId, timeoutMs);
  }
}
