import type { AdmissionPolicy, DriftEntry, ReconcileData, ReconcileEntry } from '@berth/protocol';
import { toFailure } from '../commands/to-failure.ts';
import type { DockerPort, SwarmService } from '../docker/docker-port.ts';
import { LABEL, MANAGED_FILTER } from '../docker/labels.ts';
import { scaleService, upsertService } from '../docker/swarm-services.ts';
import { DockerError } from '../errors.ts';
import type { Logger } from '../logger.ts';

const key = (tenantId: string, agentServiceId: string): string => `${tenantId}\u0000${agentServiceId}`;

async function removeQuietly(docker: DockerPort, id: string): Promise<void> {
  try {
    await docker.removeService(id);
  } catch (e) {
    if (!(e instanceof DockerError && e.code === 'NOT_FOUND')) throw e;
  }
}

/**
 * Brings the cluster (or the given tenants) to the edge's desired set. Only `berth.managed=true`
 * services are looked at:
 * missing ones are created, hash mismatches updated, replica counts changed by hand scaled back
 * (scale/stop/start change replicas without a new spec hash), duplicates and services the edge no
 * longer wants removed. One failed repair does not stop the others; each drift entry says what happened.
 */
export async function reconcile(
  docker: DockerPort,
  desired: readonly ReconcileEntry[],
  policy: AdmissionPolicy,
  log: Logger,
  tenantIds?: readonly string[],
): Promise<ReconcileData> {
  const actual = new Map<string, SwarmService[]>();
  const inScope = (svc: SwarmService): boolean => tenantIds === undefined || tenantIds.includes(svc.labels[LABEL.tenant] ?? '');
  for (const svc of (await docker.listServices([MANAGED_FILTER])).filter(inScope)) {
    const k = key(svc.labels[LABEL.tenant] ?? '', svc.labels[LABEL.agentService] ?? '');
    actual.set(k, [...(actual.get(k) ?? []), svc].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)));
  }
  const drift: DriftEntry[] = [];
  let inSync = 0;
  const repair = async (entry: Omit<DriftEntry, 'repaired' | 'error'>, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
      drift.push({ ...entry, repaired: true });
    } catch (e) {
      const { error } = toFailure(e);
      log.warn('reconcile repair failed', { tenantId: entry.tenantId, agentServiceId: entry.agentServiceId, drift: entry.drift, code: error.code });
      drift.push({ ...entry, repaired: false, error });
    }
  };

  const wanted = new Set<string>();
  for (const entry of desired) {
    const k = key(entry.tenantId, entry.agentServiceId);
    wanted.add(k);
    const [first, ...dups] = actual.get(k) ?? [];
    const ids = { tenantId: entry.tenantId, agentServiceId: entry.agentServiceId };
    for (const d of dups) await repair({ ...ids, drift: 'duplicate' }, () => removeQuietly(docker, d.id));
    if (!first) await repair({ ...ids, drift: 'missing' }, () => upsertService(docker, entry.desired, policy));
    else if (first.labels[LABEL.specHash] !== entry.specHash) await repair({ ...ids, drift: 'hash_mismatch' }, () => upsertService(docker, entry.desired, policy));
    else if (first.replicas !== entry.desired.spec.replicas) {
      await repair({ ...ids, drift: 'replicas_mismatch' }, () => scaleService(docker, entry.tenantId, entry.agentServiceId, entry.desired.spec.replicas, policy));
    } else inSync += 1;
  }
  for (const [k, services] of actual) {
    if (wanted.has(k)) continue;
    for (const svc of services) {
      await repair({ tenantId: svc.labels[LABEL.tenant] ?? '', agentServiceId: svc.labels[LABEL.agentService] ?? '', drift: 'unwanted' }, () => removeQuietly(docker, svc.id));
    }
  }
  return { inSync, drift };
}
