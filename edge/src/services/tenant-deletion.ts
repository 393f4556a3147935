import { and, eq, notInArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { agentService, agentServiceEvent, tenant, usageSampleWrites } from '@berth/db';
import type { Tenant } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { commitAudited } from '../audit/record.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import type { AgentServiceDeps } from './agent-services.ts';
import { tenantDto } from './dto.ts';
import { loadTenant } from './tenants.ts';

/**
 * Soft delete: the tenant turns `deleting` (writes are refused from then on) and, in the same
 * audited batch, every agent service it still has turns `removing` with a `service.remove` queued
 * for its cluster's agent. A deleted workspace leaves nothing running on any swarm.
 */
export async function deleteTenant(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope): Promise<Tenant> {
  let removing: (typeof agentService.$inferSelect)[] = [];
  const result = await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const current = await loadTenant(deps, scope.tenantId);
    const now = deps.clock.now();
    removing = await deps.db
      .select()
      .from(agentService)
      .where(and(eq(agentService.tenantId, scope.tenantId), notInArray(agentService.status, ['removing', 'removed'])))
      .all();
    const writes: BatchItem<'sqlite'>[] = [deps.db.update(tenant).set({ status: 'deleting', updatedAt: now }).where(eq(tenant.id, scope.tenantId))];
    for (const svc of removing) {
      writes.push(
        deps.db.update(agentService).set({ status: 'removing', statusReason: 'the tenant is being deleted', updatedAt: now }).where(eq(agentService.id, svc.id)),
        deps.db.insert(agentServiceEvent).values({ id: crypto.randomUUID(), tenantId: scope.tenantId, agentServiceId: svc.id, status: 'removing', reason: 'the tenant is being deleted', at: now }),
        enqueueCommand(deps.db, { clusterId: svc.clusterId, tenantId: scope.tenantId, agentServiceId: svc.id, cmd: { kind: 'service.remove', tenantId: scope.tenantId, agentServiceId: svc.id }, actor: req.actor, now }),
      );
    }
    if (removing.length) writes.push(...usageSampleWrites(deps.db, scope.tenantId, now));
    return {
      writes,
      note: { action: 'tenant.delete', targetType: 'tenant', targetId: scope.tenantId, details: { agentServicesRemoved: removing.length } },
      result: tenantDto({ ...current, status: 'deleting', updatedAt: now }, scope.role ?? 'owner'),
    };
  });
  const at = deps.clock.now().toISOString();
  for (const svc of removing) deps.bus.publish(scope.tenantId, { agentServiceId: svc.id, name: svc.name, status: 'removing', reason: 'the tenant is being deleted', at });
  for (const clusterId of new Set(removing.map((s) => s.clusterId))) void deps.sink.kick(clusterId);
  return result;
}
