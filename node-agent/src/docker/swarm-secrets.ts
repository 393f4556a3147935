import { createHash } from 'node:crypto';
import type { ServiceSecretRef } from '@berth/protocol';
import { AgentError, DockerError } from '../errors.ts';
import type { DockerPort } from './docker-port.ts';
import { LABEL } from './labels.ts';
import type { ResolvedSecret } from './service-spec.ts';
import { ownedBy } from './swarm-networks.ts';

/** Hex SHA-256 of a secret value (label `berth.content-hash`; Swarm secrets are immutable). */
export function contentHash(valueB64: string): string {
  return createHash('sha256').update(Buffer.from(valueB64, 'base64')).digest('hex');
}

/**
 * Ensures a Swarm secret holds the given value. Same name + same content hash + same tenant is a
 * no-op; a different value under an existing name is a CONFLICT (rotate by sending a new swarmName).
 */
export async function ensureSecret(
  docker: DockerPort,
  input: { tenantId: string; name: string; swarmName: string; valueB64: string; agentServiceId?: string | undefined },
): Promise<{ id: string; created: boolean }> {
  const hash = contentHash(input.valueB64);
  const check = async (): Promise<{ id: string; created: boolean } | undefined> => {
    const existing = await docker.inspectSecret(input.swarmName);
    if (!existing) return undefined;
    if (!ownedBy(existing, input.tenantId)) throw new AgentError('CONFLICT', `secret ${input.swarmName} exists and is not this tenant's`);
    if (existing.labels[LABEL.contentHash] !== hash || existing.labels[LABEL.secretName] !== input.name) {
      throw new AgentError('CONFLICT', `secret ${input.swarmName} exists with other content; secrets are immutable, use a new swarmName`);
    }
    return { id: existing.id, created: false };
  };
  const found = await check();
  if (found) return found;
  const labels = {
    [LABEL.managed]: 'true',
    [LABEL.tenant]: input.tenantId,
    [LABEL.secretName]: input.name,
    [LABEL.contentHash]: hash,
    ...(input.agentServiceId ? { [LABEL.agentService]: input.agentServiceId } : {}),
  };
  try {
    return { id: await docker.createSecret(input.swarmName, labels, input.valueB64), created: true };
  } catch (e) {
    if (e instanceof DockerError && e.code === 'CONFLICT') {
      const raced = await check();
      if (raced) return raced;
    }
    throw e;
  }
}

/** Resolves the secrets a service mounts, refusing any that is missing or belongs to another tenant. */
export async function resolveTenantSecrets(
  docker: DockerPort,
  tenantId: string,
  wanted: readonly string[],
  refs: readonly ServiceSecretRef[],
): Promise<ResolvedSecret[]> {
  const missingRef = wanted.find((name) => !refs.some((r) => r.name === name));
  if (missingRef !== undefined) throw new AgentError('INVALID_COMMAND', `spec uses secret ${missingRef} but the command does not map it`);
  const out: ResolvedSecret[] = [];
  for (const ref of refs) {
    const secret = await docker.inspectSecret(ref.swarmName);
    if (!secret) throw new AgentError('SECRET_NOT_FOUND', `secret ${ref.name} is not on this cluster; send secret.ensure first`);
    if (!ownedBy(secret, tenantId) || secret.labels[LABEL.secretName] !== ref.name) {
      throw new AgentError('TENANT_MISMATCH', `secret ${ref.name} does not belong to this tenant`);
    }
    out.push({ secretId: secret.id, swarmName: secret.name, target: ref.target });
  }
  return out;
}
