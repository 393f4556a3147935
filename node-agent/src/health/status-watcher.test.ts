import { describe, expect, it } from 'vitest';
import { ServiceUpsert, type ServiceStatusEvent } from '@berth/protocol';
import type { DockerEvent, EngineEventType } from '../docker/docker-port.ts';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { ensureTenantNetwork } from '../docker/swarm-networks.ts';
import { removeService, upsertService } from '../docker/swarm-services.ts';
import { buildServiceSpec } from '../docker/service-spec.ts';
import { silentLogger } from '../logger.ts';
import { StatusWatcher } from './status-watcher.ts';

const policy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' };
/** A fake engine where something happens after the watcher's resync, before its event stream opens. */
class GapDockerPort extends FakeDockerPort {
  beforeStream: (() => void) | undefined;
  override async watchEvents(types: readonly EngineEventType[], onEvent: (e: DockerEvent) => void, signal: AbortSignal, sinceMs?: number): Promise<void> {
    const happen = this.beforeStream;
    this.beforeStream = undefined;
    happen?.();
    return super.watchEvents(types, onEvent, signal, sinceMs);
  }
}

const desired = ServiceUpsert.parse({ tenantId: 't1', agentServiceId: 's1', specHash: 'hash-0001', network: 'net-t1', spec: { name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } } });

describe('StatusWatcher', () => {
  it('emits running on create, only changes afterwards, and removed on removal', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const events: ServiceStatusEvent[] = [];
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
    const { swarmServiceId } = await upsertService(docker, desired, policy);
    await watcher.check(swarmServiceId);
    await watcher.check(swarmServiceId);
    expect(events.map((e) => e.status)).toEqual(['running']);
    expect(events[0]).toMatchObject({ tenantId: 't1', agentServiceId: 's1', specHash: 'hash-0001' });
    await removeService(docker, 't1', 's1');
    await watcher.check(swarmServiceId);
    expect(events.map((e) => e.status)).toEqual(['running', 'removed']);
  });

  it('reports a rejected task as failed with its error', async () => {
    const docker = new FakeDockerPort();
    docker.newTaskState = 'rejected';
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const events: ServiceStatusEvent[] = [];
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
    const { swarmServiceId } = await upsertService(docker, desired, policy);
    await watcher.check(swarmServiceId);
    expect(events[0]).toMatchObject({ status: 'failed', reason: 'task rejected: No such image' });
  });

  it('reacts to Docker events without polling', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const events: ServiceStatusEvent[] = [];
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
    watcher.start();
    await new Promise((r) => setTimeout(r, 20));
    await upsertService(docker, desired, policy);
    await expect.poll(() => events.map((e) => e.status), { timeout: 2000 }).toEqual(['running']);
    await watcher.stop();
  });
  it('does not report an agent service removed when only a duplicate of it goes away', async () => {
    const docker = new FakeDockerPort();
    const net = await ensureTenantNetwork(docker, 't1', 'net-t1');
    const events: ServiceStatusEvent[] = [];
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
    const { swarmServiceId } = await upsertService(docker, desired, policy);
    const duplicate = await docker.createService({ ...buildServiceSpec(desired, { networkTarget: net.id, secrets: [], forceUpdate: 0, volumeDriver: 'local' }), Name: 'web-duplicate' });
    await watcher.resync();
    const before = events.length;
    expect(events.map((e) => e.status)).toEqual(['running', 'running']);
    await docker.removeService(duplicate);
    await watcher.check(duplicate);
    expect(events.slice(before)).toEqual([]);
    await docker.removeService(swarmServiceId);
    await watcher.check(swarmServiceId);
    expect(events.slice(before).map((e) => e.status)).toEqual(['removed']);
  });
  it('reads every service unknown while the engine is gone, and reports each again once it is back', async () => {
    const docker = new FakeDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    await upsertService(docker, desired, policy);
    const events: ServiceStatusEvent[] = [];
    let restored = 0;
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger, retryMaxMs: 50, onEngineRestored: () => (restored += 1) });
    watcher.start();
    await expect.poll(() => events.map((e) => e.status)).toEqual(['running']);

    docker.stopEngine();
    await expect.poll(() => events.map((e) => e.status)).toEqual(['running', 'unknown']);
    expect(events[1]?.reason).toMatch(/docker engine unreachable/);
    expect(watcher.engineLost).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toHaveLength(2);
    expect(restored).toBe(0);

    docker.startEngine();
    await expect.poll(() => events.map((e) => e.status)).toEqual(['running', 'unknown', 'running']);
    expect(restored).toBe(1);
    expect(watcher.engineLost).toBe(false);
    await watcher.stop();
  });

  it('sees a change made between its resync and its event stream opening (the stream replays from the resync)', async () => {
    const docker = new GapDockerPort();
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const { swarmServiceId } = await upsertService(docker, desired, policy);
    const [task] = docker.tasks.get(swarmServiceId) ?? [];
    if (!task) throw new Error('the fake created no task');
    // Running at the resync (a stable status: no re-checks follow), then the task dies unseen.
    docker.beforeStream = () => docker.setTasks(swarmServiceId, [{ ...task, state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (1)' }]);
    const events: ServiceStatusEvent[] = [];
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
    watcher.start();
    await expect.poll(() => events.map((e) => e.status), { timeout: 2000 }).toEqual(['running', 'failed']);
    await watcher.stop();
  });

  it('follows a service its resync found deploying until it runs, though no event announces it', async () => {
    const docker = new FakeDockerPort();
    docker.newTaskState = 'starting';
    await ensureTenantNetwork(docker, 't1', 'net-t1');
    const { swarmServiceId } = await upsertService(docker, desired, policy);
    const events: ServiceStatusEvent[] = [];
    const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
    watcher.start();
    await expect.poll(() => events.map((e) => e.status), { timeout: 2000 }).toEqual(['deploying']);
    // The manager marks the task running: Swarm emits no event for that by itself.
    for (const t of docker.tasks.get(swarmServiceId) ?? []) t.state = 'running';
    await expect.poll(() => events.map((e) => e.status), { timeout: 2000 }).toEqual(['deploying', 'running']);
    await watcher.stop();
  });
});
