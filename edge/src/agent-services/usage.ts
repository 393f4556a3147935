import { eq } from 'drizzle-orm';
import { agentService } from '@berth/db';
import type { TenantScope } from '../context.ts';
import type { ServiceDeps } from '../services/service-deps.ts';
import { getQuota } from '../services/tenants.ts';
import { currentUse } from '../services/quota-check.ts';

/** Current use against quota and replica-seconds consumed, up to now. */
export async function usage(deps: ServiceDeps, scope: TenantScope) {
  const now = deps.clock.now();
  const use = await currentUse(deps.db, scope.tenantId);
  const rows = await deps.db
    .select({ seconds: agentService.replicaSeconds, running: agentService.runningReplicas, accountedAt: agentService.accountedAt })
    .from(agentService)
    .where(eq(agentService.tenantId, scope.tenantId))
    .all();
  const replicaSeconds = rows.reduce((sum, r) => sum + r.seconds + (r.accountedAt ? r.running * Math.max(0, Math.floor((now.getTime() - r.accountedAt.getTime()) / 1000)) : 0), 0);
  return {
    quota: await getQuota(deps, scope),
    used: { agentServices: use.services, totalReplicas: use.replicas, cpuCores: use.cpuMillis / 1000, memoryMb: use.memoryMb },
    replicaSeconds,
    at: now.toISOString(),
  };
}
