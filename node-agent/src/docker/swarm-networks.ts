import { AgentError } from '../errors.ts';
import type { DockerPort, SwarmObject } from './docker-port.ts';
import { DockerError } from '../errors.ts';
import { LABEL } from './labels.ts';

/** True when a Swarm object is Berth-managed and belongs to `tenantId`. */
export function ownedBy(obj: SwarmObject, tenantId: string): boolean {
  return obj.labels[LABEL.managed] === 'true' && obj.labels[LABEL.tenant] === tenantId;
}

/**
 * Ensures the tenant's encrypted, non-attachable overlay network exists. A network of that name
 * owned by anyone else is a CONFLICT, never adopted.
 */
export async function ensureTenantNetwork(docker: DockerPort, tenantId: string, name: string): Promise<{ id: string; created: boolean }> {
  const existing = await docker.inspectNetwork(name);
  if (existing) {
    if (!ownedBy(existing, tenantId)) throw new AgentError('CONFLICT', `network ${name} exists and is not this tenant's`);
    return { id: existing.id, created: false };
  }
  try {
    const id = await docker.createNetwork({ name, encrypted: true, labels: { [LABEL.managed]: 'true', [LABEL.tenant]: tenantId, [LABEL.network]: name } });
    return { id, created: true };
  } catch (e) {
    // Lost a race with a concurrent create: adopt it only if it is ours.
    if (e instanceof DockerError && e.code === 'CONFLICT') {
      const raced = await docker.inspectNetwork(name);
      if (raced && ownedBy(raced, tenantId)) return { id: raced.id, created: false };
    }
    throw e;
  }
}

/** Resolves the tenant network a service may join; refuses a network of another tenant. */
export async function resolveTenantNetwork(docker: DockerPort, tenantId: string, name: string): Promise<SwarmObject> {
  const net = await docker.inspectNetwork(name);
  if (!net) throw new AgentError('NETWORK_NOT_FOUND', `network ${name} does not exist; send network.ensure first`);
  if (!ownedBy(net, tenantId)) throw new AgentError('TENANT_MISMATCH', `network ${name} does not belong to this tenant`);
  return net;
}
