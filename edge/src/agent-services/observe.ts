import { eq } from 'drizzle-orm';
import { agentService, agentServiceSecret, type Db } from '@berth/db';
import type { ServiceHealth, TaskSummary } from '@berth/protocol';
import type { Clock } from '../clock.ts';
import type { TenantEventBus } from '../events/tenant-event-bus.ts';
import { commitBatch, publish, statusBatch, transition } from './transition.ts';

export interface StatusDeps {
  db: Db;
  clock: Clock;
  bus: TenantEventBus;
}

/** What an agent reports about a service, or what a command's result means for it. */
export type Report = 'observed' | 'vanished' | 'command-failed' | 'remove-done';

export interface Observation {
  /** What the agent observed (for `observed`; the other reports name their own status). */
  status?: ServiceHealth;
  reason: string | null;
  tasks?: TaskSummary[];
  at?: Date;
}

/**
 * Records what is observed about an agent service, through transition() (which decides what a
 * report may change; a late one about a removed service is ignored). Replica-seconds are
 * accounted up to now on every accepted report; a removed service's sealed secrets are deleted.
 */
export async function observe(deps: StatusDeps, agentServiceId: string, report: Report, obs: Observation): Promise<void> {
  const row = await deps.db.select().from(agentService).where(eq(agentService.id, agentServiceId)).get();
  if (!row) return;
  const now = obs.at ?? deps.clock.now();
  const running = obs.tasks ? obs.tasks.filter((t) => t.state === 'running').length : row.runningReplicas;
  const elapsedS = row.accountedAt ? Math.max(0, Math.floor((now.getTime() - row.accountedAt.getTime()) / 1000)) : 0;
  const set = (to: ServiceHealth) => ({
    ...(obs.tasks ? { tasks: JSON.stringify(obs.tasks) } : {}),
    observedAt: now,
    runningReplicas: to === 'removed' ? 0 : running,
    replicaSeconds: row.replicaSeconds + row.runningReplicas * elapsedS,
    accountedAt: now,
  });
  const batch = statusBatch(deps.db, now);
  const after = transition(batch, row, { event: report, observed: obs.status, reason: obs.reason, set });
  if (!after) return;
  await commitBatch(batch);
  if (after.status === 'removed') await deps.db.delete(agentServiceSecret).where(eq(agentServiceSecret.agentServiceId, agentServiceId));
  publish(deps.bus, batch);
}
