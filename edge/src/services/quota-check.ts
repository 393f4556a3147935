import { and, eq, ne, sql } from 'drizzle-orm';
import { agentService, type Db } from '@berth/db';
import type { Quota } from '@berth/protocol';
import { AppError } from '../errors.ts';

export interface Footprint {
  services: number;
  replicas: number;
  cpuMillis: number;
  memoryMb: number;
}

/** What the tenant's live agent services use now (optionally leaving one service out). */
export async function currentUse(db: Db, tenantId: string, exceptId?: string): Promise<Footprint> {
  const row = await db
    .select({
      services: sql<number>`count(*)`,
      replicas: sql<number>`coalesce(sum(${agentService.replicas}), 0)`,
      cpuMillis: sql<number>`coalesce(sum(${agentService.replicas} * ${agentService.cpuMillis}), 0)`,
      memoryMb: sql<number>`coalesce(sum(${agentService.replicas} * ${agentService.memoryMb}), 0)`,
    })
    .from(agentService)
    .where(and(eq(agentService.tenantId, tenantId), ne(agentService.status, 'removed'), exceptId ? ne(agentService.id, exceptId) : undefined))
    .get();
  return { services: Number(row?.services ?? 0), replicas: Number(row?.replicas ?? 0), cpuMillis: Number(row?.cpuMillis ?? 0), memoryMb: Number(row?.memoryMb ?? 0) };
}

/**
 * Refuses a change whose resulting footprint exceeds the quota, naming the first exceeded limit.
 * Runs inside a commitAudited plan, so concurrent changes to one tenant are serialized by the
 * audit chain and N creates against a quota of N admit exactly N.
 */
export function assertWithinQuota(quota: Quota, after: Footprint) {
  const checks: [keyof Quota, number, number][] = [
    ['maxAgentServices', after.services, quota.maxAgentServices],
    ['maxTotalReplicas', after.replicas, quota.maxTotalReplicas],
    ['maxCpuCores', after.cpuMillis / 1000, quota.maxCpuCores],
    ['maxMemoryMb', after.memoryMb, quota.maxMemoryMb],
  ];
  for (const [limit, wanted, max] of checks) {
    if (wanted > max + 1e-9) {
      throw new AppError(409, 'QUOTA_EXCEEDED', `this would exceed the tenant's ${limit} quota (${wanted} > ${max})`, { limit, wanted, max });
    }
  }
}
