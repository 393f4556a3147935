import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABEL } from '../../src/docker/labels.ts';
import { createCommand, createHarness, policy, type SwarmHarness } from './harness.ts';

/**
 * The agent's own admission on a real swarm: validly signed commands that the edge would have
 * refused (the edge is bypassed) are refused by the agent, and nothing reaches the swarm.
 */
let h: SwarmHarness;
let hub: SwarmHarness;

beforeAll(async () => {
  h = await createHarness({ ...policy, allowedPlacementLabels: ['zone'] });
  // An agent that allows all of Docker Hub, to show which registry `Evil/app` really names.
  hub = await createHarness({ ...policy, allowedRegistries: ['docker.io'] });
  for (const x of [h, hub]) await x.send({ kind: 'network.ensure', tenantId: x.tenantId, name: x.network });
});

afterAll(async () => {
  for (const x of [h, hub]) {
    await x.cleanup();
    const volumes = await x.engine.listVolumes({ filters: { label: [`${LABEL.tenant}=${x.tenantId}`] } });
    for (const v of volumes.Volumes ?? []) await x.engine.getVolume(v.Name).remove().catch(() => undefined);
  }
});

async function nothingOnTheSwarm(x: SwarmHarness): Promise<void> {
  const filter = { label: [`${LABEL.tenant}=${x.tenantId}`] };
  expect(await x.engine.listServices({ filters: filter })).toEqual([]);
  expect((await x.engine.listVolumes({ filters: filter })).Volumes ?? []).toEqual([]);
  expect(await x.engine.listContainers({ all: true, filters: filter })).toEqual([]);
}

/** Adds fields to a service's ContainerSpec directly through the engine, as someone with Docker access could. */
async function extendOutOfBand(x: SwarmHarness, agentServiceId: string, extra: Record<string, unknown>) {
  const [found] = await x.docker.listServices([`${LABEL.tenant}=${x.tenantId}`, `${LABEL.agentService}=${agentServiceId}`]);
  if (!found) throw new Error('service not created');
  for (let attempt = 1; ; attempt++) {
    const svc = await x.docker.inspectService(found.id);
    const tt = svc.spec['TaskTemplate'] as { ContainerSpec: Record<string, unknown> };
    try {
      await x.engine.getService(svc.id).update({ ...svc.spec, TaskTemplate: { ...tt, ContainerSpec: { ...tt.ContainerSpec, ...extra } }, version: svc.version });
      return x.docker.inspectService(svc.id);
    } catch (e) {
      // The engine may bump the version right after creation ("update out of sequence"): read again.
      if (attempt >= 5) throw e;
    }
  }
}

describe('agent admission on a real swarm', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['the host procfs as a local volume', { mounts: [{ type: 'volume', source: 'p', target: '/p', volumeOptions: { driver: 'local', driverOptions: { type: 'proc', device: 'proc' } } }] }, 'POLICY_VOLUME_OPTIONS'],
    ['a host block device as a local volume', { mounts: [{ type: 'volume', source: 'd', target: '/d', volumeOptions: { driverOptions: { type: 'ext4', device: '/dev/sda1' } } }] }, 'POLICY_VOLUME_OPTIONS'],
    ['an overlay of the host root', { mounts: [{ type: 'volume', source: 'o', target: '/o', volumeOptions: { driverOptions: { type: 'overlay', device: 'overlay', o: 'lowerdir=/' } } }] }, 'POLICY_VOLUME_OPTIONS'],
    ['a volume plugin', { mounts: [{ type: 'volume', source: 's', target: '/s', volumeOptions: { driver: 'vieux/sshfs' } }] }, 'POLICY_VOLUME_DRIVER'],
    ['manager placement spelled NODE.ROLE', { placement: { constraints: ['NODE.ROLE==manager'] } }, 'POLICY_MANAGER_PLACEMENT'],
    ['placement pinned to the manager by hostname', { placement: { constraints: [`node.hostname==${hostname()}`] } }, 'POLICY_PLACEMENT'],
    ['placement on a node label the cluster does not allow', { placement: { constraints: ['node.labels.rack==r1'] } }, 'POLICY_PLACEMENT'],
  ])('refuses a signed spec with %s (%s) and creates nothing', async (_what, spec, code) => {
    const name = `a${Math.random().toString(36).slice(2, 8)}`;
    expect(h.result(await h.send(createCommand(h, name, spec)))).toMatchObject({ ok: false, error: { code } });
    await nothingOnTheSwarm(h);
  });

  it.each(['Evil/app:1', 'LOCALHOST/app', 'localhost:5000/berth-test/busybox:1'])('refuses the image %s on an agent that allows only Docker Hub, and creates nothing', async (image) => {
    const name = `i${Math.random().toString(36).slice(2, 8)}`;
    expect(hub.result(await hub.send(createCommand(hub, name, { image })))).toMatchObject({ ok: false, error: { code: 'POLICY_REGISTRY' } });
    await nothingOnTheSwarm(hub);
  });

  it('runs a service with a named volume, a sized tmpfs and allowed placement; the engine enforces the tmpfs size', async () => {
    const spec = {
      mounts: [{ type: 'volume', source: 'data', target: '/data' }, { type: 'tmpfs', target: '/scratch', sizeMb: 8 }],
      // An allowed label key; no node carries zone=nowhere, so the task still lands on this one node.
      placement: { constraints: ['node.labels.zone!=nowhere'] },
      command: ['sh', '-c', 'df -k /scratch | tail -1; touch /data/ok && echo wrote-volume; exec sleep 3600'],
    };
    expect(h.result(await h.send(createCommand(h, 'mounts', spec)))).toMatchObject({ ok: true });
    await expect
      .poll(async () => {
        const r = h.result(await h.send({ kind: 'logs.tail', tenantId: h.tenantId, agentServiceId: 'as-mounts', tail: 10 }));
        return r.ok ? JSON.stringify(r.data) : '';
      }, { timeout: 30_000, interval: 250 })
      .toMatch(/tmpfs\s+8192\b[\s\S]*wrote-volume/);
    const volumes = await h.engine.listVolumes({ filters: { label: [`${LABEL.tenant}=${h.tenantId}`] } });
    expect((volumes.Volumes ?? []).map((v) => [v.Name, v.Driver, v.Options ?? {}])).toEqual([[`berth-${h.tenantId}-data`, 'local', {}]]);
    expect(h.result(await h.send({ kind: 'service.remove', tenantId: h.tenantId, agentServiceId: 'as-mounts' }))).toMatchObject({ ok: true });
  });

  it('refuses to re-send a spec someone gave a capability out of band (scale and restart), leaving it unchanged', async () => {
    expect(h.result(await h.send(createCommand(h, 'oob', { replicas: 0 })))).toMatchObject({ ok: true });
    const tampered = await extendOutOfBand(h, 'as-oob', { CapabilityAdd: ['CAP_SYS_ADMIN'] });

    const scaled = h.result(await h.send({ kind: 'service.scale', tenantId: h.tenantId, agentServiceId: 'as-oob', replicas: 3 }));
    expect(scaled).toMatchObject({ ok: false });
    const restarted = h.result(await h.send({ kind: 'service.restart', tenantId: h.tenantId, agentServiceId: 'as-oob' }));
    expect(restarted).toMatchObject({ ok: false });
    expect([scaled, restarted].map((r) => (r.ok ? '' : r.error.code))).toEqual(['POLICY_CAPABILITIES', 'POLICY_CAPABILITIES']);

    const after = await h.docker.inspectService(tampered.id);
    expect([after.version, after.replicas, after.forceUpdate]).toEqual([tampered.version, 0, tampered.forceUpdate]);
  });

  it('refuses a spec with only an unknown Engine field added out of band as POLICY_UNKNOWN_FIELD', async () => {
    expect(h.result(await h.send(createCommand(h, 'oob2', { replicas: 0 })))).toMatchObject({ ok: true });
    const tampered = await extendOutOfBand(h, 'as-oob2', { Hostname: 'pwned' });
    expect(h.result(await h.send({ kind: 'service.scale', tenantId: h.tenantId, agentServiceId: 'as-oob2', replicas: 2 }))).toMatchObject({ ok: false, error: { code: 'POLICY_UNKNOWN_FIELD' } });
    expect((await h.docker.inspectService(tampered.id)).version).toBe(tampered.version);
  });
});
