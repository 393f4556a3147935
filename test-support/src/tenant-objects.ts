import Docker from 'dockerode';

/** A dockerode client on an engine socket (the shared engine unless told otherwise). */
export function engine(socketPath = '/var/run/docker.sock'): Docker {
  return new Docker({ socketPath });
}

const byTenant = (tenantId: string) => ({ label: [`berth.tenant=${tenantId}`] });

/** The Swarm services labelled with a tenant: name and desired replicas (test oracle). */
export async function tenantServices(docker: Docker, tenantId: string): Promise<{ id: string; name: string; replicas: number | undefined; labels: Record<string, string> }[]> {
  const list = await docker.listServices({ filters: byTenant(tenantId) });
  return list
    .map((s) => ({ id: s.ID ?? '', name: s.Spec?.Name ?? '', replicas: s.Spec?.Mode?.Replicated?.Replicas, labels: s.Spec?.Labels ?? {} }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Running tasks of a service. */
export async function runningTasks(docker: Docker, serviceId: string): Promise<number> {
  const tasks = await docker.listTasks({ filters: { service: [serviceId], 'desired-state': ['running'] } });
  return tasks.filter((t) => t.Status?.State === 'running').length;
}

/** Names of the Swarm secrets labelled with a tenant. */
export async function tenantSecrets(docker: Docker, tenantId: string): Promise<string[]> {
  const list = await docker.listSecrets({ filters: byTenant(tenantId) });
  return list.map((s) => s.Spec?.Name ?? '').sort();
}

/**
 * Removes every Swarm object labelled with the tenant (services, then, once their containers are
 * gone, networks and secrets). Never touches anything else.
 */
export async function removeTenantObjects(docker: Docker, tenantId: string): Promise<void> {
  for (const s of await docker.listServices({ filters: byTenant(tenantId) })) await docker.getService(s.ID).remove().catch(() => undefined);
  for (let i = 0; i < 150; i++) {
    const left = await docker.listContainers({ all: true, filters: byTenant(tenantId) });
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const s of await docker.listSecrets({ filters: byTenant(tenantId) })) await docker.getSecret(s.ID).remove().catch(() => undefined);
  for (const n of await docker.listNetworks({ filters: byTenant(tenantId) })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
}
