import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, swarmServices, sweepTenant, watchEvents, type Client, type Stack } from '@berth/test-support/swarm-stack';

/**
 * The whole path on a real Swarm: register → tenant → enroll an agent → spawn an agent service →
 * pending → running over SSE → scale → restart → stop → start → remove, every step audited.
 */
describe('agent service lifecycle on a real swarm', () => {
  let stack: Stack;
  let owner: Client;
  let tenantId: string;
  const slug = `life-${Date.now().toString(36)}`;

  beforeAll(async () => {
    stack = await startStack();
    const { stateDir, clusterId } = await stack.enrollAgent('shared');
    stack.runAgent(stateDir);
    await stack.waitOnline(clusterId);
    owner = await stack.signUp(`owner-${slug}@swarm.test`);
    tenantId = (await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: 'Lifecycle', slug })).id;
  });

  afterAll(async () => {
    // Agents first: a live agent reconciles, and would put back what the sweep removes.
    await stack?.stop();
    if (tenantId) sweepTenant(tenantId);
  });

  it('spawns, scales, restarts, stops, starts and removes, streaming each status', async () => {
    const stream = await watchEvents(owner, slug);
    try {
      const created = await owner.json<{ status: string; id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, {
        name: 'web',
        image: 'berth-test/busybox:1',
        command: ['httpd', '-f', '-p', '8080'],
        env: { GREETING: 'hello' },
        secrets: { API_KEY: 'not-for-logs-123' },
        replicas: 1,
        limits: { cpu: 0.25, memoryMb: 64 },
      });
      expect(created.status).toBe('pending');
      await stream.waitFor('web', 'pending');
      await stream.waitFor('web', 'running');
      expect(swarmServices(tenantId)).toEqual([expect.stringMatching(/-web 1\/1$/)]);

      await owner.json('POST', `/api/v1/tenants/${slug}/agents/web/scale`, 202, { replicas: 2 });
      await expect.poll(() => swarmServices(tenantId), { timeout: 30_000, interval: 250 }).toEqual([expect.stringMatching(/-web 2\/2$/)]);

      const beforeRestart = stream.events.length;
      await owner.json('POST', `/api/v1/tenants/${slug}/agents/web/restart`, 202);
      await expect.poll(() => stream.events.slice(beforeRestart).map((e) => e.status), { timeout: 30_000 }).toContain('running');

      await owner.json('POST', `/api/v1/tenants/${slug}/agents/web/stop`, 202);
      await stream.waitFor('web', 'stopped');
      await expect.poll(() => swarmServices(tenantId), { timeout: 30_000, interval: 250 }).toEqual([expect.stringMatching(/-web 0\/0$/)]);

      await owner.json('POST', `/api/v1/tenants/${slug}/agents/web/start`, 202);
      await expect.poll(() => swarmServices(tenantId), { timeout: 30_000, interval: 250 }).toEqual([expect.stringMatching(/-web 2\/2$/)]);

      await owner.json('DELETE', `/api/v1/tenants/${slug}/agents/web`, 202);
      await stream.waitFor('web', 'removed');
      await expect.poll(() => swarmServices(tenantId), { timeout: 30_000, interval: 250 }).toEqual([]);

      const audit = await owner.json<{ items: { action: string; result: string }[] }>('GET', `/api/v1/tenants/${slug}/audit?limit=50`, 200);
      const actions = audit.items.map((i) => i.action).reverse();
      expect(actions).toEqual(
        expect.arrayContaining(['agent-service.create', 'agent-service.scale', 'agent-service.restart', 'agent-service.stop', 'agent-service.start', 'agent-service.remove']),
      );
      expect(await owner.json('GET', `/api/v1/tenants/${slug}/audit/verify`, 200)).toMatchObject({ ok: true });
    } finally {
      stream.close();
    }
  });

  it('reports a service whose command cannot start as failed, with the reason', async () => {
    const stream = await watchEvents(owner, slug);
    try {
      await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'broken', image: 'berth-test/busybox:1', command: ['/no/such/binary'], replicas: 1 });
      const failed = await stream.waitFor('broken', 'failed', 45_000);
      expect(failed.reason).toMatch(/exit|fail|not found|no such/i);
      const details = await owner.json<{ status: string; statusReason: string }>('GET', `/api/v1/tenants/${slug}/agents/broken`, 200);
      expect(details.status).toBe('failed');
      expect(details.statusReason).toBeTruthy();
    } finally {
      stream.close();
    }
  });

  it('reports an image that does not exist as failed, never as running', async () => {
    const stream = await watchEvents(owner, slug);
    try {
      await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'noimage', image: 'berth-test/does-not-exist:1', replicas: 1 });
      await stream.waitFor('noimage', 'failed', 60_000);
      expect(stream.events.filter((e) => e.name === 'noimage').map((e) => e.status)).not.toContain('running');
    } finally {
      stream.close();
    }
  });

  it('tails the logs of a running service', async () => {
    const stream = await watchEvents(owner, slug);
    try {
      await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, {
        name: 'talker',
        image: 'berth-test/busybox:1',
        command: ['sh', '-c', 'echo hello-from-berth; exec sleep 3600'],
        replicas: 1,
      });
      await stream.waitFor('talker', 'running');
      await expect
        .poll(async () => (await owner.json<{ lines: { line: string }[] }>('GET', `/api/v1/tenants/${slug}/agents/talker/logs?tail=10`, 200)).lines.map((l) => l.line), { timeout: 20_000, interval: 500 })
        .toContain('hello-from-berth');
    } finally {
      stream.close();
    }
  });
});
