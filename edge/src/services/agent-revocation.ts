import { and, eq, isNull } from 'drizzle-orm';
import { agent, command } from '@berth/db';
import type { RequestFacts, TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { ServiceDeps } from './service-deps.ts';
import type { CommandSink } from '../agent-services/index.ts';
import { findClusterFor } from './clusters.ts';

export interface RevocationDeps extends ServiceDeps {
  sink: CommandSink;
}

/**
 * Revokes an enrolled agent of a cluster the caller administers (a shared cluster for a platform
 * admin when `owner` is null, else the tenant's own). In one audited batch the agent's row is
 * marked revoked and what it left unanswered goes back to the queue; then its open sockets close
 * with 1008 AGENT_REVOKED. From then on its key is refused everywhere: hello (also at the
 * Workers router), results, events and heartbeats. Revoking is final; the node enrolls anew with
 * a new join token. Unknown, foreign and already-revoked agents answer 404.
 */
export async function revokeAgent(deps: RevocationDeps, req: RequestFacts, owner: TenantScope | null, clusterId: string, agentId: string): Promise<{ id: string; revokedAt: string }> {
  const row = await findClusterFor(deps.db, clusterId, owner, { ownedOnly: true });
  const now = deps.clock.now();
  await commitAudited(deps, req, owner ? owner.tenantId : PLATFORM_CHAIN, owner?.tenantId ?? null, async () => {
    const target = await deps.db
      .select({ id: agent.id })
      .from(agent)
      .where(and(eq(agent.id, agentId), eq(agent.clusterId, row.id), isNull(agent.revokedAt)))
      .get();
    if (!target) throw new AppError(404, 'NOT_FOUND', 'agent not found');
    return {
      writes: [
        deps.db.update(agent).set({ revokedAt: now }).where(eq(agent.id, target.id)),
        deps.db.update(command).set({ status: 'queued', agentId: null, seq: null }).where(and(eq(command.agentId, target.id), eq(command.status, 'sent'))),
      ],
      note: { action: 'cluster.agent-revoke', targetType: 'agent', targetId: target.id, details: { clusterId: row.id } },
      result: undefined,
    };
  });
  deps.logger.info('agent revoked', { agentId, clusterId: row.id });
  await deps.sink.agentRevoked(agentId, row.id);
  return { id: agentId, revokedAt: now.toISOString() };
}
