import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentService, ClusterJoin, Tenant } from '@berth/protocol';
import { swarmServices, sweepTenant, watchEvents, type Client } from '@berth/test-support/swarm-stack';
import { startWorker, type Caller, type WorkerHarness } from './worker-harness.ts';

const AGENT_BIN = new URL('../../../node-agent/bin/berth-agent.mjs', import.meta.url).pathname;
const ClusterAgents = z.object({ agents: z.array(z.object({ online: z.boolean() })) });

/** The stack's SSE helper speaks to any Berth origin through this shape. */
function clientOf(w: WorkerHarness, caller: Caller): Client {
  const call = (method: string, path: string, body?: unknown) => w.call(method, path, { ...caller, ...(body === undefined ? {} : { body }) });
  return {
    cookie: caller.cookie ?? '',
    call,
    async json<T>(method: string, path: string, expected: number, body?: unknown): Promise<T> {
      const res = await call(method, path, body);
      const text = await res.text();
      if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text}`);
      // As in the stack: the caller names the DTO Berth's own API validated on the way out.
      const parsed: T = JSON.parse(text);
      return parsed;
    },
  };
}

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [AGENT_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BERTH_LOG_LEVEL: 'warn' } });
}

/**
 * The real node agent (`berth-agent enroll|run`) against the Worker in workerd on a real port:
 * it enrolls over HTTP, connects its WebSocket to the cluster's Durable Object, and an agent
 * service spawned through the Worker reaches running on the real Swarm, streamed over SSE from
 * the tenant's Durable Object.
 */
describe('a real node agent on the Workers build, on a real swarm', () => {
  let w: WorkerHarness;
  let dir: string;
  let agent: ChildProcess | undefined;
  let tenantId: string | undefined;

  beforeAll(async () => {
    w = await startWorker();
    dir = mkdtempSync(join(tmpdir(), 'berth-workers-agent-'));
  });

  afterAll(async () => {
    // The agent first: a live agent reconciles, and would put back what the sweep removes.
    if (agent && agent.exitCode === null) agent.kill('SIGKILL');
    if (tenantId) sweepTenant(tenantId);
    await w?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls, connects, and runs a spawned service to running', async () => {
    const admin = await w.setupAdmin();
    const joined = await w.json(ClusterJoin, 'POST', '/api/v1/clusters', 201, { ...admin, body: { name: 'workers-shared' } });
    const stateDir = join(dir, 'agent');
    const enroll = run(['enroll', '--edge', w.url, '--token', joined.joinToken, '--state', stateDir]);
    let stderr = '';
    enroll.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((resolve) => enroll.on('exit', resolve)), stderr).toBe(0);

    agent = run(['run', '--state', stateDir]);
    await expect
      .poll(async () => (await w.json(ClusterAgents, 'GET', `/api/v1/clusters/${joined.cluster.id}`, 200, admin)).agents.filter((a) => a.online).length, { timeout: 30_000, interval: 250 })
      .toBe(1);

    const owner = await w.signUp('owner@workers-swarm.test');
    const slug = `wk-${Date.now().toString(36)}`;
    tenantId = (await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...owner, body: { name: 'Workers swarm', slug } })).id;
    const stream = await watchEvents(clientOf(w, owner), slug);
    try {
      const created = await w.json(AgentService, 'POST', `/api/v1/tenants/${slug}/agents`, 202, {
        ...owner,
        body: { name: 'web', image: 'berth-test/busybox:1', command: ['httpd', '-f', '-p', '8080'], secrets: { API_KEY: 'workers-secret-123' }, replicas: 1 },
      });
      expect(created.status).toBe('pending');
      await stream.waitFor('web', 'pending');
      await stream.waitFor('web', 'running', 60_000);
      expect(swarmServices(tenantId)).toEqual([expect.stringMatching(/-web 1\/1$/)]);

      await w.json(z.unknown(), 'DELETE', `/api/v1/tenants/${slug}/agents/web`, 202, owner);
      await stream.waitFor('web', 'removed', 60_000);
      await expect.poll(() => swarmServices(tenantId ?? ''), { timeout: 30_000, interval: 250 }).toEqual([]);
    } finally {
      stream.close();
    }
  });
});
