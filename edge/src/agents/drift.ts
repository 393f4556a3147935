import { and, eq } from 'drizzle-orm';
import { agentService } from '@berth/db';
import { ReconcileData, type CommandResult, type DriftEntry } from '@berth/protocol';
import type { Logger } from '../logger.ts';
import type { StatusDeps } from '../agent-services/observe.ts';
import { commitBatch, publish, statusBatch, transition } from '../agent-services/transition.ts';

const WHAT: Record<DriftEntry['drift'], string> = {
  missing: 'the swarm service was missing',
  hash_mismatch: 'the swarm service did not match its spec',
  replicas_mismatch: 'the swarm service ran another replica count',
  duplicate: 'a duplicate swarm service existed',
  unwanted: 'a swarm service Berth does not want existed',
};

/** The human reason recorded for one drift entry. */
export function driftReason(e: DriftEntry): string {
  const outcome = e.repaired ? 'repaired' : `not repaired (${e.error?.code ?? 'UNKNOWN'}: ${e.error?.message ?? ''})`;
  return `reconcile: ${WHAT[e.drift]}; ${outcome}`.slice(0, 2048);
}

/**
 * Records what an agent's reconcile found: one log line per drift entry, and for a service this
 * edge knows on that cluster a history event (same status, the drift as reason) pushed to its
 * tenant's stream. The status itself is left to the agent's status events, which follow the repair.
 */
export async function recordDrift(deps: StatusDeps & { logger: Logger }, agentId: string | null, clusterId: string, result: CommandResult): Promise<void> {
  if (!result.ok) {
    deps.logger.warn('reconcile failed', { agentId, clusterId, code: result.error.code });
    return;
  }
  const parsed = ReconcileData.safeParse(result.data ?? {});
  if (!parsed.success) {
    deps.logger.warn('reconcile result unreadable', { agentId, clusterId, code: 'INVALID_RESULT' });
    return;
  }
  const { inSync, drift } = parsed.data;
  deps.logger.info('reconcile done', { agentId, clusterId, inSync, drift: drift.length });
  for (const e of drift) {
    const fields = { agentId, clusterId, tenantId: e.tenantId, agentServiceId: e.agentServiceId, drift: e.drift, repaired: e.repaired, code: e.error?.code };
    if (e.repaired) deps.logger.warn('reconcile repaired drift', fields);
    else deps.logger.error('reconcile could not repair drift', fields);
    const row = await deps.db
      .select()
      .from(agentService)
      .where(and(eq(agentService.id, e.agentServiceId), eq(agentService.tenantId, e.tenantId), eq(agentService.clusterId, clusterId)))
      .get();
    if (!row) continue;
    const batch = statusBatch(deps.db, deps.clock.now());
    transition(batch, row, { event: 'drift', reason: driftReason(e) });
    await commitBatch(batch);
    publish(deps.bus, batch);
  }
}
