import { randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '@berth/db';
import { startStack, watchEvents, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { PrivateEngine } from './private-engine.ts';
import { runningTasks, tenantServices } from '@berth/test-support/tenant-objects';

/**
 * dockerd restarts under a running agent. The engine is a private one in its own network
 * namespace (the shared engine is never restarted): while it is down the service reads `unknown`,
 * once it is back the agent re-opens its event stream, reports every status again and
 * re-handshakes so the edge reconciles; the service runs again and reads `running`.
 */
describe('docker engine restart under a running agent', () => {
  const name = `berthdr${randomBytes(3).toString('hex')}`;
  let eng: PrivateEngine;
  let stack: Stack;
  let owner: Client;
  let tenantId: string;
  const slug = `restart-${Date.now().toString(36)}`;

  beforeAll(async () => {
    eng = await PrivateEngine.start(name, `10.231.${Math.floor(Math.random() * 200) + 20}.2`, 'berth-test/busybox:1');
    stack = await startStack();
    const { stateDir, clusterId } = await stack.enrollAgent('private');
    stack.runAgent(stateDir, { DOCKER_SOCKET: eng.socket }).stderr?.resume();
    await stack.waitOnline(clusterId);
    owner = await stack.signUp(`owner-${slug}@swarm.test`);
    tenantId = (await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: 'Restart', slug })).id;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await eng?.destroy();
  }, 120_000);

  const status = async () => (await owner.json<{ status: string }>('GET', `/api/v1/tenants/${slug}/agents/svc`, 200)).status;

  it('reads unknown while dockerd is down and running again after it restarted, reconciled', async () => {
    const stream = await watchEvents(owner, slug);
    try {
      await owner.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { name: 'svc', image: 'berth-test/busybox:1', command: ['sleep', '3600'], secrets: { K: 'v' }, replicas: 1 });
      await stream.waitFor('svc', 'running', 60_000);
      const [before] = await tenantServices(eng.docker, tenantId);
      if (!before) throw new Error('service not deployed on the private engine');
      const seen = stream.events.length;

      const downAt = new Date();
      await eng.down();
      await expect.poll(status, { timeout: 30_000, interval: 250 }).toBe('unknown');
      expect(stream.events.slice(seen).map((e) => e.status)).toContain('unknown');

      await eng.up();
      await expect.poll(async () => (await tenantServices(eng.docker, tenantId)).map((s) => s.id), { timeout: 60_000 }).toEqual([before.id]);
      await expect.poll(() => runningTasks(eng.docker, before.id), { timeout: 60_000, interval: 500 }).toBe(1);
      await expect.poll(status, { timeout: 60_000, interval: 250 }).toBe('running');
      expect(stream.events.slice(seen).map((e) => e.status)).toEqual(expect.arrayContaining(['unknown', 'running']));
      // The agent re-handshook after the engine came back, and the edge reconciled the cluster.
      const db = stack.server.deps.db;
      await expect
        .poll(() => db.select({ status: command.status }).from(command).where(and(eq(command.kind, 'reconcile'), gt(command.createdAt, downAt))).all(), { timeout: 30_000 })
        .toEqual([{ status: 'done' }]);
    } finally {
      stream.close();
    }
  });
});
