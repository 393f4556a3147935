import { eq } from 'drizzle-orm';
import { agentService, agentServiceEvent, agentServiceSecret, usageSampleWrites, type Db } from '@berth/db';
import type { ServiceHealth, TaskSummary } from '@berth/protocol';
import type { Clock } from '../clock.ts';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';

export interface StatusDeps {
  db: Db;
  clock: Clock;
  bus: TenantEventBus;
}

export interface Observation {
  status: ServiceHealth;
  reason: string | null;
  tasks?: TaskSummary[];
  at?: Date;
}

const TERMINAL: ServiceHealth[] = ['removed'];

/**
 * Records what is observed about an agent service. A change of status is stored as an event and
 * pushed to the tenant's stream; replica-seconds are accounted up to now on every observation,
 * and a change of running replicas (or the removal) is recorded in usage history in the same batch.
 * `removing` only gives way to `removed`, and nothing follows `removed`.
 */
export async function observe(deps: StatusDeps, agentServiceId: string, obs: Observation): Promise<void> {
  const row = await deps.db.select().from(agentService).where(eq(agentService.id, agentServiceId)).get();
  if (!row || TERMINAL.includes(row.status)) return;
  if (row.status === 'removing' && obs.status !== 'removed' && obs.status !== 'failed') return;
  const now = obs.at ?? deps.clock.now();
  const running = obs.tasks ? obs.tasks.filter((t) => t.state === 'running').length : row.runningReplicas;
  const elapsedS = row.accountedAt ? Math.max(0, Math.floor((now.getTime() - row.accountedAt.getTime()) / 1000)) : 0;
  const changed = row.status !== obs.status || (row.statusReason ?? null) !== (obs.reason ?? null);
  const runningNow = obs.status === 'removed' ? 0 : running;
  const update = deps.db
    .update(agentService)
    .set({
      status: obs.status,
      statusReason: obs.reason,
      ...(obs.tasks ? { tasks: JSON.stringify(obs.tasks) } : {}),
      observedAt: now,
      runningReplicas: runningNow,
      replicaSeconds: row.replicaSeconds + row.runningReplicas * elapsedS,
      accountedAt: now,
    })
    .where(eq(agentService.id, agentServiceId));
  if (runningNow !== row.runningReplicas || obs.status === 'removed') await deps.db.batch([update, ...usageSampleWrites(deps.db, row.tenantId, now)]);
  else await update;
  if (obs.status === 'removed') await deps.db.delete(agentServiceSecret).where(eq(agentServiceSecret.agentServiceId, agentServiceId));
  if (!changed) return;
  await deps.db.insert(agentServiceEvent).values({ id: crypto.randomUUID(), tenantId: row.tenantId, agentServiceId, status: obs.status, reason: obs.reason, at: now });
  deps.bus.publish(row.tenantId, { agentServiceId, name: row.name, status: obs.status, reason: obs.reason, at: now.toISOString() });
}
