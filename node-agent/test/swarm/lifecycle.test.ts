import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogsTailData, ServiceApplyData } from '@berth/protocol';
import type { DockerEvent } from '../../src/docker/docker-port.ts';
import { LABEL } from '../../src/docker/labels.ts';
import { createCommand, createHarness, type SwarmHarness } from './harness.ts';

let h: SwarmHarness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h.cleanup();
});

async function runningTasks(serviceId: string): Promise<number> {
  return (await h.docker.listTasks(serviceId)).filter((t) => t.state === 'running' && t.desiredState === 'running').length;
}

describe('agent service lifecycle on a real swarm', () => {
  let serviceId = '';

  it('creates the tenant network encrypted and not attachable', async () => {
    expect(h.result(await h.send({ kind: 'network.ensure', tenantId: h.tenantId, name: h.network }))).toMatchObject({ ok: true, data: { created: true } });
    // The engine fills Driver/Options of a fresh swarm network asynchronously: poll, do not sleep.
    await expect
      .poll(async (): Promise<unknown> => h.engine.getNetwork(h.network).inspect(), { timeout: 5000, interval: 50 })
      .toMatchObject({ Driver: 'overlay', Attachable: false, Options: { encrypted: 'true' }, Labels: { [LABEL.tenant]: h.tenantId } });
  });

  it('creates a service that reaches running, with init and limits', async () => {
    const cmd = createCommand(h, 'web', { command: ['sh', '-c', 'echo hello-from-berth; echo oops >&2; exec sleep 3600'], env: { GREETING: 'hi' } });
    const result = h.result(await h.send(cmd));
    expect(result.ok).toBe(true);
    const data = ServiceApplyData.parse(result.ok ? result.data : undefined);
    expect(data.action).toBe('created');
    serviceId = data.swarmServiceId;
    await expect.poll(() => h.latestStatus('as-web')?.status, { timeout: 15_000, interval: 100 }).toBe('running');
    const info: unknown = await h.engine.getService(serviceId).inspect();
    expect(info).toMatchObject({
      Spec: {
        Labels: { [LABEL.managed]: 'true', [LABEL.agentService]: 'as-web' },
        TaskTemplate: { ContainerSpec: { Init: true, Env: ['GREETING=hi'] }, Resources: { Limits: { NanoCPUs: 100_000_000, MemoryBytes: 32 * 1024 * 1024 } } },
        EndpointSpec: { Mode: 'vip' },
      },
    });
  });

  it('tails the demultiplexed logs', async () => {
    await expect
      .poll(async () => {
        const r = h.result(await h.send({ kind: 'logs.tail', tenantId: h.tenantId, agentServiceId: 'as-web', tail: 50 }));
        return r.ok ? LogsTailData.parse(r.data).lines.map((l) => `${l.stream}:${l.line}`) : [];
      }, { timeout: 10_000, interval: 250 })
      .toEqual(expect.arrayContaining(['stdout:hello-from-berth', 'stderr:oops']));
  });

  it('scales to three running replicas', async () => {
    expect(h.result(await h.send({ kind: 'service.scale', tenantId: h.tenantId, agentServiceId: 'as-web', replicas: 3 })).ok).toBe(true);
    await expect.poll(() => runningTasks(serviceId), { timeout: 20_000, interval: 200 }).toBe(3);
    await expect.poll(() => h.latestStatus('as-web')?.status, { timeout: 10_000, interval: 100 }).toBe('running');
  });

  it('restarts every task by a forced rolling update', async () => {
    const before = new Set((await h.docker.listTasks(serviceId)).filter((t) => t.state === 'running').map((t) => t.id));
    expect(h.result(await h.send({ kind: 'service.restart', tenantId: h.tenantId, agentServiceId: 'as-web' })).ok).toBe(true);
    expect((await h.docker.inspectService(serviceId)).forceUpdate).toBe(1);
    await expect
      .poll(async () => {
        const running = (await h.docker.listTasks(serviceId)).filter((t) => t.state === 'running' && t.desiredState === 'running');
        return running.length === 3 && running.every((t) => !before.has(t.id));
      }, { timeout: 40_000, interval: 250 })
      .toBe(true);
  });

  it('updates in place when the spec hash changes and keeps the service id', async () => {
    const cmd = { ...createCommand(h, 'web', { replicas: 1, image: 'berth-test/busybox:2' }, 'hash-web-0002'), kind: 'service.update' as const };
    const result = h.result(await h.send(cmd));
    expect(result).toMatchObject({ ok: true, data: { action: 'updated', swarmServiceId: serviceId } });
    await expect.poll(async () => (await h.docker.inspectService(serviceId)).labels[LABEL.specHash], { timeout: 5000 }).toBe('hash-web-0002');
    await expect.poll(() => h.latestStatus('as-web')?.status, { timeout: 30_000, interval: 200 }).toBe('running');
  });

  it('replays, on a stream opened later, the engine events since a given moment', async () => {
    const since = Date.now();
    expect(h.result(await h.send({ kind: 'service.scale', tenantId: h.tenantId, agentServiceId: 'as-web', replicas: 2 })).ok).toBe(true);
    // The stream opens only now, after the scale: the engine has to replay its update event.
    const seen: DockerEvent[] = [];
    const stop = new AbortController();
    const streaming = h.docker.watchEvents(['service'], (e) => seen.push(e), stop.signal, since);
    await expect.poll(() => seen.filter((e) => e.actorId === serviceId).map((e) => e.action), { timeout: 10_000, interval: 50 }).toContain('update');
    stop.abort();
    await streaming;
  });

  it('removes the service and reports it removed', async () => {
    expect(h.result(await h.send({ kind: 'service.remove', tenantId: h.tenantId, agentServiceId: 'as-web' }))).toEqual({ ok: true, data: { removed: true } });
    await expect.poll(() => h.latestStatus('as-web')?.status, { timeout: 10_000, interval: 100 }).toBe('removed');
    expect(h.result(await h.send({ kind: 'service.remove', tenantId: h.tenantId, agentServiceId: 'as-web' }))).toEqual({ ok: true, data: { removed: false } });
  });
});
