import { usageSamplesBetween, type UsageSample } from '@berth/db';
import type { UsageHistory, UsageHistoryQuery } from '@berth/protocol';
import type { TenantScope } from '../context.ts';
import type { ServiceDeps } from './service-deps.ts';
import { getQuota } from './tenants.ts';
import { bucketize, resolveUsageRange, type UsageStep } from './usage-buckets.ts';

const toStep = (s: UsageSample): UsageStep => ({
  at: s.at.getTime(),
  runningReplicas: s.runningReplicas,
  totalReplicas: s.totalReplicas,
  cpuMillis: s.cpuMillis,
  memoryMb: s.memoryMb,
  agentServices: s.agentServices,
});

/**
 * The tenant's usage over time in buckets, from the samples written with every change of its
 * running replicas or reservations (see usage_sample), and its quota for reference.
 */
export async function usageHistory(deps: ServiceDeps, scope: TenantScope, q: UsageHistoryQuery): Promise<UsageHistory> {
  const now = deps.clock.now();
  const range = resolveUsageRange(q, now);
  const [{ carried, samples }, quota] = await Promise.all([usageSamplesBetween(deps.db, scope.tenantId, new Date(range.start), new Date(range.end)), getQuota(deps, scope)]);
  return {
    from: new Date(range.start).toISOString(),
    to: new Date(range.end).toISOString(),
    bucketSeconds: range.sizeMs / 1000,
    quota,
    buckets: bucketize(carried && toStep(carried), samples.map(toStep), range, now),
    at: now.toISOString(),
  };
}
