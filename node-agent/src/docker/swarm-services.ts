import { checkAdmission, checkEngineServiceSpec, type AdmissionPolicy, type LogLine, type ServiceApplyData, type ServiceUpsert } from '@berth/protocol';
import { AdmissionRefused, AgentError, DockerError } from '../errors.ts';
import type { DockerPort, RawServiceSpec, SwarmService } from './docker-port.ts';
import { LABEL, agentServiceFilter } from './labels.ts';
import { volumePrefix } from './names.ts';
import { buildServiceSpec } from './service-spec.ts';
import { resolveTenantNetwork } from './swarm-networks.ts';
import { resolveTenantSecrets } from './swarm-secrets.ts';

const UPDATE_ATTEMPTS = 3;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Swarm secret ids a raw service spec mounts. */
export function secretIdsOf(raw: RawServiceSpec): string[] {
  const tt = raw['TaskTemplate'];
  const cs = isRecord(tt) ? tt['ContainerSpec'] : undefined;
  const secrets = isRecord(cs) && Array.isArray(cs['Secrets']) ? cs['Secrets'] : [];
  return secrets.flatMap((s) => (isRecord(s) && typeof s['SecretID'] === 'string' ? [s['SecretID']] : []));
}

/** Berth services of one agent service (normally one; more only after a crash mid-create). */
export async function findServices(docker: DockerPort, tenantId: string, agentServiceId: string): Promise<SwarmService[]> {
  const list = await docker.listServices(agentServiceFilter(tenantId, agentServiceId));
  return list.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

async function findOne(docker: DockerPort, tenantId: string, agentServiceId: string): Promise<SwarmService> {
  const [svc] = await findServices(docker, tenantId, agentServiceId);
  if (!svc) throw new AgentError('NOT_FOUND', `agent service ${agentServiceId} is not deployed on this cluster`);
  return svc;
}

/** Networks of a raw spec that belong to the tenant (what a re-sent spec may keep). */
async function tenantNetworkTargets(docker: DockerPort, tenantId: string, raw: RawServiceSpec): Promise<string[]> {
  const tt = raw['TaskTemplate'];
  const nets = isRecord(tt) && Array.isArray(tt['Networks']) ? tt['Networks'] : [];
  const out: string[] = [];
  for (const n of nets) {
    const target = isRecord(n) && typeof n['Target'] === 'string' ? n['Target'] : undefined;
    if (target === undefined) continue;
    const net = await docker.inspectNetwork(target);
    if (net && net.labels[LABEL.managed] === 'true' && net.labels[LABEL.tenant] === tenantId) out.push(net.id, net.name);
  }
  return out;
}

/**
 * Sends a spec change with Swarm's optimistic concurrency: read `Version.Index`, apply, update; if the
 * update fails and the version moved meanwhile, re-read and retry (bounded).
 */
async function updateWithVersion(
  docker: DockerPort,
  svc: SwarmService,
  change: (current: SwarmService) => Promise<RawServiceSpec | ReturnType<typeof buildServiceSpec>>,
): Promise<void> {
  let current = svc;
  for (let attempt = 1; ; attempt++) {
    const next = await change(current);
    try {
      await docker.updateService(current.id, current.version, next);
      return;
    } catch (e) {
      if (!(e instanceof DockerError) || e.code === 'NOT_FOUND' || attempt >= UPDATE_ATTEMPTS) throw e;
      const reread = await docker.inspectService(current.id);
      if (reread.version === current.version) throw e;
      current = reread;
    }
  }
}

/**
 * Creates or updates an agent service (both `service.create` and `service.update`). Runs admission
 * on the tenant spec and again on the generated Engine spec; no-op when the deployed spec hash equals.
 */
export async function upsertService(docker: DockerPort, desired: ServiceUpsert, policy: AdmissionPolicy): Promise<ServiceApplyData> {
  const refused = checkAdmission(desired.spec, policy);
  if (refused.length > 0) throw new AdmissionRefused(refused);
  const [existing, ...duplicates] = await findServices(docker, desired.tenantId, desired.agentServiceId);
  for (const d of duplicates) await docker.removeService(d.id).catch((e: unknown) => (e instanceof DockerError && e.code === 'NOT_FOUND' ? undefined : Promise.reject(e)));
  if (existing && existing.labels[LABEL.specHash] === desired.specHash) {
    return { swarmServiceId: existing.id, swarmServiceName: existing.name, action: 'unchanged' };
  }
  const network = await resolveTenantNetwork(docker, desired.tenantId, desired.network);
  const secrets = await resolveTenantSecrets(docker, desired.tenantId, desired.spec.secrets, desired.secrets);
  const build = (forceUpdate: number, keepName?: string): ReturnType<typeof buildServiceSpec> => {
    const built = buildServiceSpec(desired, { networkTarget: network.id, secrets, forceUpdate, volumeDriver: policy.volumeDriver });
    // Swarm cannot rename a service; a renamed agent service keeps its Swarm name and gets the new DNS alias.
    const engineSpec = keepName === undefined ? built : { ...built, Name: keepName };
    const violations = checkEngineServiceSpec(engineSpec, { ...policy, allowedNetworks: [network.id], volumePrefix: volumePrefix(desired.tenantId) });
    if (violations.length > 0) throw new AdmissionRefused(violations);
    return engineSpec;
  };
  if (!existing) {
    const spec = build(0);
    const id = await docker.createService(spec);
    return { swarmServiceId: id, swarmServiceName: spec.Name, action: 'created' };
  }
  await updateWithVersion(docker, existing, async (cur) => {
    const next = build(cur.forceUpdate, cur.name);
    const kept = new Set(secrets.map((s) => s.secretId));
    const retired = secretIdsOf(cur.spec).filter((id) => !kept.has(id));
    return retired.length > 0 ? { ...next, Labels: { ...next.Labels, [LABEL.retiredSecrets]: retired.join(',') } } : next;
  });
  return { swarmServiceId: existing.id, swarmServiceName: existing.name, action: 'updated' };
}

async function reSend(
  docker: DockerPort,
  tenantId: string,
  agentServiceId: string,
  policy: AdmissionPolicy,
  edit: (raw: RawServiceSpec, svc: SwarmService) => RawServiceSpec,
): Promise<ServiceApplyData> {
  const svc = await findOne(docker, tenantId, agentServiceId);
  await updateWithVersion(docker, svc, async (cur) => {
    const next = edit(cur.spec, cur);
    const violations = checkEngineServiceSpec(next, { ...policy, allowedNetworks: await tenantNetworkTargets(docker, tenantId, next), volumePrefix: volumePrefix(tenantId) });
    if (violations.length > 0) throw new AdmissionRefused(violations);
    return next;
  });
  return { swarmServiceId: svc.id, swarmServiceName: svc.name, action: 'updated' };
}

/** Sets the replica count of a deployed agent service. */
export function scaleService(docker: DockerPort, tenantId: string, agentServiceId: string, replicas: number, policy: AdmissionPolicy): Promise<ServiceApplyData> {
  return reSend(docker, tenantId, agentServiceId, policy, (raw) => ({ ...raw, Mode: { Replicated: { Replicas: replicas } } }));
}

/** Restarts every task (start-first rolling update) by bumping `TaskTemplate.ForceUpdate`. */
export function restartService(docker: DockerPort, tenantId: string, agentServiceId: string, policy: AdmissionPolicy): Promise<ServiceApplyData> {
  return reSend(docker, tenantId, agentServiceId, policy, (raw, svc) => {
    const tt = isRecord(raw['TaskTemplate']) ? raw['TaskTemplate'] : {};
    return { ...raw, TaskTemplate: { ...tt, ForceUpdate: svc.forceUpdate + 1 } };
  });
}

/** Removes every Swarm service of an agent service; `removed: false` when none existed. */
export async function removeService(docker: DockerPort, tenantId: string, agentServiceId: string): Promise<{ removed: boolean; secretIds: string[] }> {
  const found = await findServices(docker, tenantId, agentServiceId);
  // What it mounted, and what its last update retired but had not collected yet.
  const secretIds = found.flatMap((svc) => [...secretIdsOf(svc.spec), ...(svc.labels[LABEL.retiredSecrets] ?? '').split(',').filter((id) => id !== '')]);
  let removed = false;
  for (const svc of found) {
    try {
      await docker.removeService(svc.id);
      removed = true;
    } catch (e) {
      if (!(e instanceof DockerError && e.code === 'NOT_FOUND')) throw e;
    }
  }
  return { removed, secretIds };
}

/** The last `tail` log lines of an agent service. */
export async function tailServiceLogs(docker: DockerPort, tenantId: string, agentServiceId: string, tail: number): Promise<LogLine[]> {
  const svc = await findOne(docker, tenantId, agentServiceId);
  return docker.serviceLogs(svc.id, tail);
}
