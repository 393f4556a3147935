import { AgentServiceSpec, type ServiceUpsert } from '@berth/protocol';
import { canonicalJson, secretSwarmName, sha256Hex, tenantNetworkName } from './naming.ts';

/** One secret of a service as deployed: a content hash names its immutable Swarm secret. */
export interface SecretVersion {
  name: string;
  contentHash: string;
  swarmName: string;
}

/** The version a new value of a service's secret gets. */
export async function secretVersion(tenantId: string, serviceId: string, name: string, value: string): Promise<SecretVersion> {
  const contentHash = (await sha256Hex(`${name}\u0000${value}`)).slice(0, 16);
  return { name, contentHash, swarmName: secretSwarmName(tenantId, serviceId, contentHash) };
}

/** The version of a stored secret (its content hash was computed when the value was set). */
export function storedSecretVersion(tenantId: string, serviceId: string, stored: { name: string; contentHash: string }): SecretVersion {
  return { name: stored.name, contentHash: stored.contentHash, swarmName: secretSwarmName(tenantId, serviceId, stored.contentHash) };
}

/** The desired state the agent deploys for a spec and its secret versions; the hash covers all of it. */
export async function upsertFor(tenantId: string, serviceId: string, spec: AgentServiceSpec, secrets: SecretVersion[]): Promise<ServiceUpsert> {
  const network = tenantNetworkName(tenantId);
  const refs = secrets.map((s) => ({ name: s.name, swarmName: s.swarmName, target: s.name }));
  const specHash = (await sha256Hex(canonicalJson({ spec, network, secrets: refs }))).slice(0, 32);
  return { tenantId, agentServiceId: serviceId, spec, specHash, network, secrets: refs };
}

/**
 * The desired state of a stored service, rebuilt the way create/update built it. The stored spec
 * hash is kept: it is the hash of the last upsert (what the Swarm label carries), while the stored
 * spec also follows scale/stop/start, which change replicas without a new hash.
 */
export async function storedUpsert(
  row: { id: string; tenantId: string; spec: string; specHash: string },
  secrets: { name: string; contentHash: string }[],
): Promise<ServiceUpsert> {
  const spec = AgentServiceSpec.parse(JSON.parse(row.spec));
  const versions = secrets
    .filter((s) => spec.secrets.includes(s.name))
    .map((s) => storedSecretVersion(row.tenantId, row.id, s))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { ...(await upsertFor(row.tenantId, row.id, spec, versions)), specHash: row.specHash };
}
