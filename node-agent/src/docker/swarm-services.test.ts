import { describe, expect, it } from 'vitest';
import { ServiceUpsert, type AgentServiceSpecInput } from '@berth/protocol';
import { AdmissionRefused, AgentError } from '../errors.ts';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { LABEL } from './labels.ts';
import { ensureTenantNetwork } from './swarm-networks.ts';
import { ensureSecret } from './swarm-secrets.ts';
import { removeService, restartService, scaleService, upsertService } from './swarm-services.ts';

const policy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' };

function desired(patch: Partial<AgentServiceSpecInput> = {}, specHash = 'hash-0001', tenantId = 't1'): ServiceUpsert {
  return ServiceUpsert.parse({
    tenantId,
    agentServiceId: 's1',
    specHash,
    network: `net-${tenantId}`,
    secrets: [],
    spec: { name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.5, memoryMb: 64 }, ...patch },
  });
}

async function setup(): Promise<FakeDockerPort> {
  const docker = new FakeDockerPort();
  await ensureTenantNetwork(docker, 't1', 'net-t1');
  await ensureTenantNetwork(docker, 't2', 'net-t2');
  return docker;
}

describe('upsertService', () => {
  it('creates a labelled service with init, limits and only the tenant network', async () => {
    const docker = await setup();
    const res = await upsertService(docker, desired(), policy);
    expect(res.action).toBe('created');
    const spec = docker.specOf(res.swarmServiceId);
    expect(spec).toMatchObject({
      Name: 'berth-t1-web',
      Labels: { [LABEL.managed]: 'true', [LABEL.tenant]: 't1', [LABEL.agentService]: 's1', [LABEL.specHash]: 'hash-0001' },
      TaskTemplate: { ContainerSpec: { Init: true }, Resources: { Limits: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 } } },
      UpdateConfig: { Order: 'start-first' },
    });
    const net = await docker.inspectNetwork('net-t1');
    expect(spec?.['TaskTemplate']).toMatchObject({ Networks: [{ Target: net?.id }] });
  });

  it('does nothing when the spec hash is unchanged', async () => {
    const docker = await setup();
    await upsertService(docker, desired(), policy);
    const again = await upsertService(docker, desired(), policy);
    expect(again.action).toBe('unchanged');
    expect(docker.calls.filter((c) => c.op === 'createService' || c.op === 'updateService')).toHaveLength(1);
  });

  it('updates in place with the current version when the hash changes', async () => {
    const docker = await setup();
    const first = await upsertService(docker, desired(), policy);
    const second = await upsertService(docker, desired({ replicas: 3 }, 'hash-0002'), policy);
    expect(second).toEqual({ ...first, action: 'updated' });
    expect(docker.services.get(first.swarmServiceId)?.version).toBe(2);
  });

  it('keeps the Swarm name when an agent service is renamed and moves the DNS alias', async () => {
    const docker = await setup();
    const first = await upsertService(docker, desired(), policy);
    await upsertService(docker, desired({ name: 'api' }, 'hash-0002'), policy);
    const spec = docker.specOf(first.swarmServiceId);
    expect(spec?.['Name']).toBe('berth-t1-web');
    expect(spec?.['TaskTemplate']).toMatchObject({ Networks: [{ Aliases: ['api'] }] });
  });

  it('refuses a forbidden spec before touching Docker', async () => {
    const docker = await setup();
    await expect(upsertService(docker, desired({ privileged: true }), policy)).rejects.toMatchObject({ code: 'POLICY_PRIVILEGED' });
    await expect(upsertService(docker, desired({ image: 'evil.io/x:1' }), policy)).rejects.toBeInstanceOf(AdmissionRefused);
    expect(docker.calls.filter((c) => c.op === 'createService')).toHaveLength(0);
  });

  it("refuses another tenant's network and secret", async () => {
    const docker = await setup();
    const foreignNet = { ...desired(), network: 'net-t2' };
    await expect(upsertService(docker, foreignNet, policy)).rejects.toMatchObject({ code: 'TENANT_MISMATCH' });
    await ensureSecret(docker, { tenantId: 't2', name: 'pw', swarmName: 'sec-t2-pw', valueB64: 'eA==' });
    const foreignSecret = { ...desired({ secrets: ['pw'] }), secrets: [{ name: 'pw', swarmName: 'sec-t2-pw', target: 'pw' }] };
    await expect(upsertService(docker, foreignSecret, policy)).rejects.toMatchObject({ code: 'TENANT_MISMATCH' });
  });

  it('refuses a spec secret the command does not map', async () => {
    const docker = await setup();
    await expect(upsertService(docker, desired({ secrets: ['pw'] }), policy)).rejects.toMatchObject({ code: 'INVALID_COMMAND' });
  });
});

describe('scale, restart, remove', () => {
  it('scales by re-sending the current spec with a new replica count', async () => {
    const docker = await setup();
    const { swarmServiceId } = await upsertService(docker, desired(), policy);
    await scaleService(docker, 't1', 's1', 4, policy);
    expect(docker.specOf(swarmServiceId)).toMatchObject({ Mode: { Replicated: { Replicas: 4 } } });
    expect(await docker.listTasks(swarmServiceId)).toHaveLength(4);
  });

  it('restarts by bumping ForceUpdate', async () => {
    const docker = await setup();
    const { swarmServiceId } = await upsertService(docker, desired(), policy);
    await restartService(docker, 't1', 's1', policy);
    await restartService(docker, 't1', 's1', policy);
    expect(docker.specOf(swarmServiceId)?.['TaskTemplate']).toMatchObject({ ForceUpdate: 2 });
  });

  it("cannot scale another tenant's service", async () => {
    const docker = await setup();
    await upsertService(docker, desired(), policy);
    await expect(scaleService(docker, 't2', 's1', 2, policy)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes idempotently', async () => {
    const docker = await setup();
    await upsertService(docker, desired(), policy);
    expect(await removeService(docker, 't1', 's1')).toEqual({ removed: true, secretIds: [] });
    expect(await removeService(docker, 't1', 's1')).toEqual({ removed: false, secretIds: [] });
  });
});

describe('ensureSecret and ensureTenantNetwork', () => {
  it('is a no-op for the same value and a conflict for another value', async () => {
    const docker = await setup();
    const first = await ensureSecret(docker, { tenantId: 't1', name: 'pw', swarmName: 'sec-1', valueB64: 'YQ==' });
    expect(first.created).toBe(true);
    expect((await ensureSecret(docker, { tenantId: 't1', name: 'pw', swarmName: 'sec-1', valueB64: 'YQ==' })).created).toBe(false);
    await expect(ensureSecret(docker, { tenantId: 't1', name: 'pw', swarmName: 'sec-1', valueB64: 'Yg==' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("never adopts another tenant's network", async () => {
    const docker = await setup();
    await expect(ensureTenantNetwork(docker, 't1', 'net-t2')).rejects.toBeInstanceOf(AgentError);
    expect(docker.calls.filter((c) => c.op === 'createNetwork').at(0)?.arg).toMatchObject({ encrypted: true });
  });
});
