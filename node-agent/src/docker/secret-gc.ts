import { DockerError } from '../errors.ts';
import type { DockerPort, SwarmService } from './docker-port.ts';
import { LABEL, MANAGED_FILTER, agentServiceFilter } from './labels.ts';
import { secretIdsOf } from './swarm-services.ts';
import { ownedBy } from './swarm-networks.ts';

/**
 * Removes the Swarm secrets a service's last update stopped using (label `berth.retired-secrets`,
 * set by the update), once that update has converged: a rollback would need them again, so only
 * `UpdateStatus.State = completed` counts. A secret is removed only if it is a Berth secret of the
 * service's own tenant and no service of that tenant mounts it. Returns the names removed.
 */
export async function collectRetiredSecrets(docker: DockerPort, svc: SwarmService): Promise<string[]> {
  const retired = (svc.labels[LABEL.retiredSecrets] ?? '').split(',').filter((id) => id !== '');
  const tenantId = svc.labels[LABEL.tenant];
  if (retired.length === 0 || tenantId === undefined || svc.updateStatus?.state !== 'completed') return [];
  return removeUnusedSecrets(docker, tenantId, retired);
}

/**
 * Removes those of the Swarm secrets `ids` that are Berth secrets of `tenantId` and that no service
 * of that tenant mounts (two agent services of a tenant with the same secret value share one
 * content-named Swarm secret). Returns the names removed.
 */
export async function removeUnusedSecrets(docker: DockerPort, tenantId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const inUse = new Set((await docker.listServices([MANAGED_FILTER, `${LABEL.tenant}=${tenantId}`])).flatMap((s) => secretIdsOf(s.spec)));
  const removed: string[] = [];
  for (const id of new Set(ids)) {
    if (inUse.has(id)) continue;
    const secret = await docker.inspectSecret(id);
    if (!secret || !ownedBy(secret, tenantId)) continue;
    try {
      await docker.removeSecret(secret.id);
      removed.push(secret.name);
    } catch (e) {
      // Gone already, or mounted by a service created meanwhile: both fine.
      if (!(e instanceof DockerError && (e.code === 'NOT_FOUND' || e.code === 'CONFLICT'))) throw e;
    }
  }
  return removed;
}

/**
 * Removes the secrets of a removed agent service: those it mounted (`mountedIds`) and those
 * labelled as created for it, which a retry after a crash between removing the service and its
 * secrets still finds. Shared ones another service of the tenant mounts stay. Returns the names removed.
 */
export async function removeServiceSecrets(docker: DockerPort, tenantId: string, agentServiceId: string, mountedIds: readonly string[]): Promise<string[]> {
  const labelled = await docker.listSecrets(agentServiceFilter(tenantId, agentServiceId));
  return removeUnusedSecrets(docker, tenantId, [...mountedIds, ...labelled.map((s) => s.id)]);
}
