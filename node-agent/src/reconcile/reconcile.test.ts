import { describe, expect, it } from 'vitest';
import { ServiceUpsert, type ReconcileEntry } from '@berth/protocol';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { LABEL } from '../docker/labels.ts';
import { ensureTenantNetwork } from '../docker/swarm-networks.ts';
import { upsertService } from '../docker/swarm-services.ts';
import { silentLogger } from '../logger.ts';
import { reconcile } from './reconcile.ts';

const policy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' };

function upsert(id: string, hash: string, image = 'berth-test/busybox:1'): ServiceUpsert {
  return ServiceUpsert.parse({ tenantId: 't1', agentServiceId: id, specHash: hash, network: 'net-t1', spec: { name: id, image, replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } } });
}
const entry = (u: ServiceUpsert): ReconcileEntry => ({ tenantId: u.tenantId, agentServiceId: u.agentServiceId, specHash: u.specHash, desired: u });

describe('reconcile', () => {
  it('creates missing, updates mismatched, removes unwanted and keeps in-sync services', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    await upsertService(docker, upsert('keep', 'hash-keep-1'), policy);
    await upsertService(docker, upsert('stale', 'hash-stale-1'), policy);
    await upsertService(docker, upsert('gone', 'hash-gone-1'), policy);
    const data = await reconcile(docker, [entry(upsert('keep', 'hash-keep-1')), entry(upsert('stale', 'hash-stale-2')), entry(upsert('new', 'hash-new-1'))], policy, silentLogger);
    expect(data.inSync).toBe(1);
    expect(data.drift.map((d) => [d.agentServiceId, d.drift, d.repaired]).sort()).toEqual([
      ['gone', 'unwanted', true],
      ['new', 'missing', true],
      ['stale', 'hash_mismatch', true],
    ]);
    const hashes = (await docker.listServices([])).map((s) => s.labels[LABEL.specHash]).sort();
    expect(hashes).toEqual(['hash-keep-1', 'hash-new-1', 'hash-stale-2']);
  });

  it('only prunes services of the tenants in scope', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    await ensureTenantNetwork(docker, 't2', 'net-t2');
    await upsertService(docker, upsert('mine', 'hash-mine-1'), policy);
    await upsertService(docker, { ...upsert('theirs', 'hash-theirs-1'), tenantId: 't2', network: 'net-t2' }, policy);
    const data = await reconcile(docker, [], policy, silentLogger, ['t1']);
    expect(data.drift.map((d) => [d.tenantId, d.drift])).toEqual([['t1', 'unwanted']]);
    expect((await docker.listServices([])).map((s) => s.labels[LABEL.tenant])).toEqual(['t2']);
  });

  it('leaves services without the berth.managed label alone', async () => {
    const docker = new FakeDockerPort();
    await docker.createService({
      Name: 'someone-else',
      Labels: {},
      TaskTemplate: { ContainerSpec: { Image: 'x' }, Resources: { Limits: { NanoCPUs: 1, MemoryBytes: 1 } }, RestartPolicy: { Condition: 'any', Delay: 0, MaxAttempts: 0, Window: 0 }, Networks: [], ForceUpdate: 0 },
      Mode: { Replicated: { Replicas: 1 } },
      UpdateConfig: { Parallelism: 1, Delay: 0, FailureAction: 'rollback', Monitor: 0, MaxFailureRatio: 0, Order: 'start-first' },
      RollbackConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 0, MaxFailureRatio: 0, Order: 'start-first' },
      EndpointSpec: { Mode: 'vip' },
    });
    const data = await reconcile(docker, [], policy, silentLogger);
    expect(data).toEqual({ inSync: 0, drift: [] });
    expect(docker.services.size).toBe(1);
  });

  it('reports a repair that fails without stopping the others', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const data = await reconcile(docker, [entry(upsert('evil', 'hash-evil-1', 'quay.io/x/y:1')), entry(upsert('ok', 'hash-ok-1'))], policy, silentLogger);
    expect(data.drift.map((d) => [d.agentServiceId, d.repaired, d.error?.code])).toEqual([
      ['evil', false, 'POLICY_REGISTRY'],
      ['ok', true, undefined],
    ]);
  });
  it('scales a service whose replica count was changed by hand back to the desired count', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const desired = upsert('web', 'hash-web-1');
    await upsertService(docker, desired, policy);
    const [svc] = await docker.listServices([]);
    if (!svc) throw new Error('service not created');
    await docker.updateService(svc.id, svc.version, { ...svc.spec, Mode: { Replicated: { Replicas: 5 } } });
    const data = await reconcile(docker, [entry(desired)], policy, silentLogger);
    expect(data).toEqual({ inSync: 0, drift: [{ tenantId: 't1', agentServiceId: 'web', drift: 'replicas_mismatch', repaired: true }] });
    expect((await docker.listServices([])).map((s) => s.replicas)).toEqual([1]);
    expect(await reconcile(docker, [entry(desired)], policy, silentLogger)).toEqual({ inSync: 1, drift: [] });
  });
});
