import { describe, expect, it } from 'vitest';
import { ServiceUpsert } from '@berth/protocol';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { LABEL } from './labels.ts';
import { collectRetiredSecrets } from './secret-gc.ts';
import { ensureTenantNetwork } from './swarm-networks.ts';
import { ensureSecret } from './swarm-secrets.ts';
import { upsertService } from './swarm-services.ts';

const policy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' };
const withSecret = (swarmName: string, hash: string) =>
  ServiceUpsert.parse({
    tenantId: 't1',
    agentServiceId: 's1',
    specHash: hash,
    network: 'net-t1',
    secrets: [{ name: 'KEY', swarmName, target: 'KEY' }],
    spec: { name: 'web', image: 'berth-test/busybox:1', secrets: ['KEY'], replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } },
  });

async function rotated() {
  const docker = new FakeDockerPort();
  await ensureTenantNetwork(docker, 't1', 'net-t1');
  const v1 = await ensureSecret(docker, { tenantId: 't1', name: 'KEY', swarmName: 'berth-s-t1-s1-v1', valueB64: 'djE=' });
  const { swarmServiceId } = await upsertService(docker, withSecret('berth-s-t1-s1-v1', 'hash-v1-0001'), policy);
  await ensureSecret(docker, { tenantId: 't1', name: 'KEY', swarmName: 'berth-s-t1-s1-v2', valueB64: 'djI=' });
  await upsertService(docker, withSecret('berth-s-t1-s1-v2', 'hash-v2-0001'), policy);
  const svc = () => docker.inspectService(swarmServiceId);
  return { docker, v1, svc, swarmServiceId };
}

describe('collectRetiredSecrets', () => {
  it('removes the secret an update stopped using, only once the update completed', async () => {
    const { docker, v1, svc, swarmServiceId } = await rotated();
    expect((await svc()).labels[LABEL.retiredSecrets]).toBe(v1.id);
    const entry = docker.services.get(swarmServiceId);
    if (!entry) throw new Error('no service');
    entry.updateStatus = { state: 'updating', message: undefined };
    expect(await collectRetiredSecrets(docker, await svc())).toEqual([]);
    entry.updateStatus = { state: 'rollback_completed', message: undefined };
    expect(await collectRetiredSecrets(docker, await svc())).toEqual([]);
    expect([...docker.secrets.values()].map((s) => s.name).sort()).toEqual(['berth-s-t1-s1-v1', 'berth-s-t1-s1-v2']);
    entry.updateStatus = { state: 'completed', message: undefined };
    expect(await collectRetiredSecrets(docker, await svc())).toEqual(['berth-s-t1-s1-v1']);
    expect([...docker.secrets.values()].map((s) => s.name)).toEqual(['berth-s-t1-s1-v2']);
  });

  it('never removes a secret of another tenant or one a service still mounts', async () => {
    const { docker, svc, swarmServiceId } = await rotated();
    const theirs = await ensureSecret(docker, { tenantId: 't2', name: 'KEY', swarmName: 'berth-s-t2-x-v1', valueB64: 'eA==' });
    const current = await svc();
    const mounted = [...docker.secrets.values()].find((s) => s.name === 'berth-s-t1-s1-v2');
    await docker.updateService(swarmServiceId, current.version, { ...current.spec, Labels: { ...current.labels, [LABEL.retiredSecrets]: `${theirs.id},${mounted?.id ?? ''}` } });
    const entry = docker.services.get(swarmServiceId);
    if (entry) entry.updateStatus = { state: 'completed', message: undefined };
    expect(await collectRetiredSecrets(docker, await svc())).toEqual([]);
    expect([...docker.secrets.values()].map((s) => s.name).sort()).toEqual(['berth-s-t1-s1-v1', 'berth-s-t1-s1-v2', 'berth-s-t2-x-v1']);
  });
});
