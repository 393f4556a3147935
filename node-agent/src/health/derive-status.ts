import type { ServiceHealth } from '@berth/protocol';
import type { SwarmService, SwarmTask } from '../docker/docker-port.ts';

/** A task plus its container health, when known. */
export type ObservedTask = SwarmTask & { health?: string | undefined };

/** Input of `deriveStatus`. */
export interface StatusInput {
  desiredReplicas: number | undefined;
  updateStatus: SwarmService['updateStatus'];
  tasks: readonly ObservedTask[];
}

/** A Berth status and why. */
export interface DerivedStatus {
  status: ServiceHealth;
  reason?: string;
}

const FAILED_STATES = new Set(['failed', 'rejected', 'orphaned']);
const WANTED = new Set(['running', 'ready', 'accepted', 'assigned', 'allocated', 'pending', 'new', 'preparing', 'starting']);

function failureReason(t: ObservedTask): string {
  const detail = t.error ?? t.message ?? t.state;
  return `task ${t.state}: ${detail}`;
}

function newestFirst(a: ObservedTask, b: ObservedTask): number {
  return (b.timestamp ?? '').localeCompare(a.timestamp ?? '');
}

/**
 * Derives the Berth status of one service (see `ServiceHealth` in protocol/events.ts for the
 * lifecycle). A task counts as serving when it runs and its container is not `unhealthy` or still
 * `starting`. Rollback states never read as success.
 */
export function deriveStatus(input: StatusInput): DerivedStatus {
  const desired = input.desiredReplicas ?? 1;
  const tasks = [...input.tasks].sort(newestFirst);
  const current = tasks.filter((t) => t.desiredState === 'running' && WANTED.has(t.state));
  const running = current.filter((t) => t.state === 'running');
  const serving = running.filter((t) => t.health !== 'unhealthy' && t.health !== 'starting');
  const unhealthy = running.find((t) => t.health === 'unhealthy');
  const lastFailure = tasks.find((t) => FAILED_STATES.has(t.state));
  const newestServingAt = serving[0]?.timestamp ?? '';
  const recentFailure = lastFailure && (lastFailure.timestamp ?? '') >= newestServingAt ? lastFailure : undefined;

  if (desired === 0) return running.length === 0 ? { status: 'stopped' } : { status: 'deploying', reason: 'stopping replicas' };

  const update = input.updateStatus;
  const updateMsg = update?.message ? `: ${update.message}` : '';
  switch (update?.state) {
    case 'rollback_started':
    case 'rollback_paused':
      return { status: serving.length > 0 ? 'degraded' : 'failed', reason: `update failed, rolling back${updateMsg}` };
    case 'rollback_completed':
      return { status: serving.length >= desired ? 'degraded' : 'failed', reason: `update rolled back${updateMsg}` };
    case 'paused':
      return { status: serving.length > 0 ? 'degraded' : 'failed', reason: `update paused${updateMsg}` };
    case 'updating':
      return { status: 'deploying', reason: `updating${updateMsg}` };
    case 'completed':
    case undefined:
      break;
  }

  if (serving.length >= desired) return { status: 'running' };
  if (serving.length === 0) {
    if (recentFailure) return { status: 'failed', reason: failureReason(recentFailure) };
    if (unhealthy) return { status: 'failed', reason: 'container unhealthy' };
    return { status: 'deploying', reason: `0/${desired} replicas running` };
  }
  const why = recentFailure ? `; ${failureReason(recentFailure)}` : unhealthy ? '; a container is unhealthy' : '';
  return { status: 'degraded', reason: `${serving.length}/${desired} replicas running${why}` };
}
