import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, watchEvents, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { engine, removeTenantObjects, runningTasks, tenantServices } from '@berth/test-support/tenant-objects';

/**
 * Drift behind Berth's back on a real swarm: a service removed or scaled by hand is put back, a
 * Berth-labelled service of the same tenant that the edge does not know is removed, and one of a
 * tenant this edge does not have is left alone.
 */
describe('edge → agent reconcile on a real swarm', () => {
  const docker = engine();
  let stack: Stack;
  let owner: Client;
  let tenantId: string;
  let clusterId: string;
  const foreignTenant = `bt${randomBytes(4).toString('hex')}`;
  const slug = `recon-${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack();
    const enrolled = await stack.enrollAgent('recon');
    clusterId = enrolled.clusterId;
    stack.runAgent(enrolled.stateDir).stderr?.resume();
    await stack.waitOnline(clusterId);
    owner = await stack.signUp(`owner-${slug}@swarm.test`);
    tenantId = (await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: 'Reconcile', slug })).id;
  });

  afterAll(async () => {
    // Agents first: a live agent would put back what the cleanup removes behind Berth's back.
    await stack?.stop();
    if (tenantId) await removeTenantObjects(docker, tenantId);
    await removeTenantObjects(docker, foreignTenant);
  });

  /** The one Swarm service of an agent service (fails on none or several). */
  async function only(name: string) {
    const found = (await tenantServices(docker, tenantId)).filter((s) => s.name.endsWith(`-${name}`));
    if (found.length !== 1 || !found[0]) throw new Error(`expected one swarm service for ${name}, found ${found.length}`);
    return found[0];
  }

  const status = async (name: string) => (await owner.json<{ status: string }>('GET', `/api/v1/tenants/${slug}/agents/${name}`, 200)).status;

  /** A Berth-labelled service the edge never asked for. */
  function stray(forTenant: string, name: string) {
    return docker.createService({
      Name: `berth-stray-${name}-${randomBytes(3).toString('hex')}`,
      Labels: { 'berth.managed': 'true', 'berth.tenant': forTenant, 'berth.agent-service': `stray-${name}`, 'berth.spec-hash': 'stray-hash-0001' },
      TaskTemplate: { ContainerSpec: { Image: 'berth-test/busybox:1', Command: ['sleep', '3600'], Labels: { 'berth.tenant': forTenant } } },
      Mode: { Replicated: { Replicas: 0 } },
    });
  }

  it('recreates a service removed behind Berth’s back: degraded, then running again', async () => {
    const stream = await watchEvents(owner, slug);
    try {
      await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'web', image: 'berth-test/busybox:1', command: ['sleep', '3600'], secrets: { KEY: 'v1' }, replicas: 1 });
      await stream.waitFor('web', 'running');
      const before = await only('web');
      const seen = stream.events.length;

      await docker.getService(before.id).remove();

      await expect.poll(() => stream.events.slice(seen).map((e) => e.status), { timeout: 60_000 }).toEqual(expect.arrayContaining(['degraded', 'running']));
      const after = await only('web');
      expect(after.id).not.toBe(before.id);
      expect(after.labels['berth.spec-hash']).toBe(before.labels['berth.spec-hash']);
      await expect.poll(() => runningTasks(docker, after.id), { timeout: 60_000 }).toBe(1);
      await expect.poll(() => status('web'), { timeout: 30_000 }).toBe('running');
      const details = await owner.json<{ recentEvents: { reason: string | null }[] }>('GET', `/api/v1/tenants/${slug}/agents/web`, 200);
      expect(details.recentEvents.map((e) => e.reason)).toContain('reconcile: the swarm service was missing; repaired');
    } finally {
      stream.close();
    }
  });

  it('scales a service scaled by hand back, removes an unknown service of the tenant, and leaves other tenants alone', async () => {
    await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'api', image: 'berth-test/busybox:1', command: ['sleep', '3600'], replicas: 2 });
    await expect.poll(() => status('api'), { timeout: 60_000 }).toBe('running');
    const api = await only('api');
    const inspected = await docker.getService(api.id).inspect();
    await docker.getService(api.id).update({ ...inspected.Spec, version: inspected.Version.Index, Mode: { Replicated: { Replicas: 4 } } });
    const unknown = await stray(tenantId, 'unknown');
    const foreign = await stray(foreignTenant, 'foreign');

    // What the periodic tick does once a minute (and every handshake does at once).
    await stack.server.deps.agents.reconcile(clusterId);

    await expect.poll(async () => (await only('api')).replicas, { timeout: 60_000 }).toBe(2);
    await expect.poll(async () => (await tenantServices(docker, tenantId)).map((s) => s.id), { timeout: 60_000 }).not.toContain(unknown.id);
    expect((await tenantServices(docker, foreignTenant)).map((s) => s.id)).toEqual([foreign.id]);
    await expect.poll(() => runningTasks(docker, api.id), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => status('api'), { timeout: 30_000 }).toBe('running');
  });
});
