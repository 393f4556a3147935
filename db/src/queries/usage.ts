import { and, asc, desc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../client.ts';
import { agentService } from '../schema/agent-services.ts';
import { usageSample } from '../schema/usage.ts';

/** How long usage history is kept: a month and a margin. */
export const USAGE_RETENTION_MS = 35 * 24 * 3600 * 1000;

export type UsageSample = typeof usageSample.$inferSelect;

const live = sql`${agentService.status} <> 'removed'`;

/**
 * The statements that record a tenant's usage as it stands after the other writes of the same
 * batch, to be appended to that batch (one transaction on libSQL and D1):
 *
 * 1. prune: drop the tenant's rows older than the retention window, except the newest of them,
 *    which carries the step into the window (an indexed range on (tenant_id, at); usually empty);
 * 2. insert … select: the tenant's totals, computed by SQLite from agent_service at commit time,
 *    so concurrent writers cannot record a stale sum. Its `at` is `now`, but never earlier than
 *    the tenant's latest row: rows then follow commit order even when clocks disagree.
 */
export function usageSampleWrites(db: Db, tenantId: string, now: Date): [BatchItem<'sqlite'>, BatchItem<'sqlite'>] {
  const horizon = now.getTime() - USAGE_RETENTION_MS;
  const newestOld = db
    .select({ at: sql<number>`max(${usageSample.at})` })
    .from(usageSample)
    .where(and(eq(usageSample.tenantId, tenantId), lte(usageSample.at, new Date(horizon))));
  const prune = db.delete(usageSample).where(and(eq(usageSample.tenantId, tenantId), lt(usageSample.at, sql`(${newestOld})`)));
  const latest = db.select({ at: sql<number>`max(${usageSample.at})` }).from(usageSample).where(eq(usageSample.tenantId, tenantId));
  const insert = db.insert(usageSample).select(
    db
      .select({
        id: sql<number>`null`.as('id'),
        tenantId: sql<string>`${tenantId}`.as('tenant_id'),
        at: sql<number>`max(${now.getTime()}, coalesce((${latest}), 0))`.as('at'),
        runningReplicas: sql<number>`coalesce(sum(${agentService.runningReplicas}), 0)`.as('running_replicas'),
        totalReplicas: sql<number>`coalesce(sum(case when ${live} then ${agentService.replicas} end), 0)`.as('total_replicas'),
        cpuMillis: sql<number>`coalesce(sum(case when ${live} then ${agentService.replicas} * ${agentService.cpuMillis} end), 0)`.as('cpu_millis'),
        memoryMb: sql<number>`coalesce(sum(case when ${live} then ${agentService.replicas} * ${agentService.memoryMb} end), 0)`.as('memory_mb'),
        agentServices: sql<number>`count(case when ${live} then 1 end)`.as('agent_services'),
      })
      .from(agentService)
      .where(eq(agentService.tenantId, tenantId)),
  );
  return [prune, insert];
}

/**
 * The tenant's usage steps that matter for [from, to): the last row before `from` (the value
 * carried into the range, if any) and every row inside it, in write order.
 */
export async function usageSamplesBetween(db: Db, tenantId: string, from: Date, to: Date): Promise<{ carried: UsageSample | undefined; samples: UsageSample[] }> {
  const [carried, samples] = await Promise.all([
    db
      .select()
      .from(usageSample)
      .where(and(eq(usageSample.tenantId, tenantId), lt(usageSample.at, from)))
      .orderBy(desc(usageSample.at), desc(usageSample.id))
      .limit(1)
      .get(),
    db
      .select()
      .from(usageSample)
      .where(and(eq(usageSample.tenantId, tenantId), gte(usageSample.at, from), lt(usageSample.at, to)))
      .orderBy(asc(usageSample.at), asc(usageSample.id))
      .all(),
  ]);
  return { carried, samples };
}
