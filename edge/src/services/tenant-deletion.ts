import { and, eq, notInArray } from 'drizzle-orm';
import { agentService, tenant } from '@berth/db';
import type { Tenant } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { commitAudited } from '../audit/record.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import type { AgentServiceDeps } from '../agent-services/index.ts';
import { batchWrites, publish, statusBatch, transition } from '../agent-services/transition.ts';
import { tenantDto } from './dto.ts';
import { loadTenant } from './tenants.ts';

/**
 * Soft delete: the tenant turns `deleting` (writes are refused from then on) and, in the same
 * audited batch, every agent service it still has turns `removing` with a `service.remove` queued
 * for its cluster's agent. A deleted workspace leaves nothing running on any swarm.
 */
export async function deleteTenant(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope): Promise<Tenant> {
  let removing: (typeof agentService.$inferSelect)[] = [];
  const { result, batch } = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const current = await loadTenant(deps, scope.tenantId);
    const now = deps.clock.now();
    removing = await deps.db
      .select()
      .from(agentService)
      .where(and(eq(agentService.tenantId, scope.tenantId), notInArray(agentService.status, ['removing', 'removed'])))
      .all();
    const batch = statusBatch(deps.db, now);
    batch.writes.push(deps.db.update(tenant).set({ status: 'deleting', updatedAt: now }).where(eq(tenant.id, scope.tenantId)));
    for (const svc of removing) {
      transition(batch, svc, { event: 'tenant-deleted', reason: 'the tenant is being deleted', set: () => ({ updatedAt: now }) });
      batch.writes.push(enqueueCommand(deps.db, { clusterId: svc.clusterId, tenantId: scope.tenantId, agentServiceId: svc.id, cmd: { kind: 'service.remove', tenantId: scope.tenantId, agentServiceId: svc.id }, actor: req.actor, now }));
    }
    return {
      writes: batchWrites(batch),
      note: { action: 'tenant.delete', targetType: 'tenant', targetId: scope.tenantId, details: { agentServicesRemoved: removing.length } },
      result: { result: tenantDto({ ...current, status: 'deleting', updatedAt: now }, scope.role ?? 'owner'), batch },
    };
  });
  publish(deps.bus, batch);
  for (const clusterId of new Set(removing.map((s) => s.clusterId))) void deps.sink.kick(clusterId);
  return result;
}
