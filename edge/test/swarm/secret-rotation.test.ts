import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { engine, removeTenantObjects, tenantSecrets, tenantServices } from '@berth/test-support/tenant-objects';

/** A changed secret is a new Swarm secret and a rolling update; the old version goes once it converged. */
describe('secret rotation on a real swarm', () => {
  const docker = engine();
  let stack: Stack;
  let owner: Client;
  let tenantId: string;
  const slug = `rot-${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack();
    const { stateDir, clusterId } = await stack.enrollAgent('rot');
    stack.runAgent(stateDir).stderr?.resume();
    await stack.waitOnline(clusterId);
    owner = await stack.signUp(`owner-${slug}@swarm.test`);
    tenantId = (await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: 'Rotation', slug })).id;
  });

  afterAll(async () => {
    await stack?.stop();
    if (tenantId) await removeTenantObjects(docker, tenantId);
  });

  const status = async (name: string) => (await owner.json<{ status: string }>('GET', `/api/v1/tenants/${slug}/agents/${name}`, 200)).status;

  it('removes the secret versions a service no longer mounts once the rolling update converged, and keeps the rest', async () => {
    await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'app', image: 'berth-test/busybox:1', command: ['sleep', '3600'], secrets: { KEY: 'one', OTHER: 'stays' }, replicas: 1 });
    await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'peer', image: 'berth-test/busybox:1', command: ['sleep', '3600'], secrets: { KEY: 'one' }, replicas: 1 });
    await expect.poll(() => status('app'), { timeout: 60_000 }).toBe('running');
    await expect.poll(() => status('peer'), { timeout: 60_000 }).toBe('running');
    const before = await tenantSecrets(docker, tenantId);
    expect(before).toHaveLength(3);
    const [app] = (await tenantServices(docker, tenantId)).filter((s) => s.name.endsWith('-app'));
    const hashBefore = app?.labels['berth.spec-hash'];

    await owner.json('PATCH', `/api/v1/tenants/${slug}/agents/app`, 202, { secrets: { KEY: 'two' } });

    await expect.poll(async () => (await tenantServices(docker, tenantId)).find((s) => s.name.endsWith('-app'))?.labels['berth.spec-hash'], { timeout: 60_000 }).not.toBe(hashBefore);
    await expect.poll(() => status('app'), { timeout: 60_000 }).toBe('running');
    // Exactly one version went: app's old KEY. app's OTHER and peer's KEY are still mounted.
    await expect.poll(() => tenantSecrets(docker, tenantId), { timeout: 60_000, interval: 500 }).toHaveLength(3);
    const after = await tenantSecrets(docker, tenantId);
    const gone = before.filter((n) => !after.includes(n));
    const added = after.filter((n) => !before.includes(n));
    expect(gone).toHaveLength(1);
    expect(added).toHaveLength(1);
    const services = await docker.listServices({ filters: { label: [`berth.tenant=${tenantId}`] } });
    const mounted = new Set(
      services.flatMap((s) => {
        const tt = s.Spec?.TaskTemplate;
        return tt && 'ContainerSpec' in tt ? (tt.ContainerSpec?.Secrets ?? []).map((x) => x.SecretName ?? '') : [];
      }),
    );
    expect([...mounted].sort()).toEqual([...after].sort());
  });
});
