import { once } from 'node:events';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { and, eq, inArray } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command } from '@berth/db';
import { Command, type EdgeMessage } from '@berth/protocol';
import { startStack, type Client, type Stack } from '@berth/test-support/swarm-stack';
import { DockerTripwire } from './docker-tripwire.ts';
import { engine, removeTenantObjects, runningTasks, tenantServices } from '@berth/test-support/tenant-objects';

/**
 * `kill -9` of the agent in the middle of a create and of a scale, at three pinned points:
 *  - sent:     right after the edge put the signed command on the socket;
 *  - engine:   after the Docker Engine applied the change, before the agent saw the answer
 *              (a tripwire proxy on the agent's Docker socket drops the answer and kills);
 *  - unacked:  after the agent applied and answered, before the edge recorded the answer.
 * The agent restarts from the same state dir; afterwards the swarm holds exactly the desired
 * state, the API says running and the outbox has nothing left in flight.
 */
describe('agent crash recovery on a real swarm', () => {
  const docker = engine();
  const REPS = 3;
  let stack: Stack;
  let wire: DockerTripwire;
  let stateDir: string;
  let clusterId: string;
  let agent: ChildProcess;
  const tenants: string[] = [];
  const agentLog: string[] = [];

  const start = () => {
    agent = stack.runAgent(stateDir, { DOCKER_SOCKET: wire.path, BERTH_LOG_LEVEL: process.env['E2E_AGENT_LOG'] ?? 'warn' });
    agent.stderr?.on('data', (d: Buffer) => agentLog.push(d.toString()));
    return agent;
  };

  const kill = () => {
    agent.kill('SIGKILL');
  };

  /** Waits until the agent process is gone, then starts it again from the same state dir. */
  const restartAfterKill = async () => {
    expect(agent.signalCode).toBe('SIGKILL');
    start();
  };

  beforeAll(async () => {
    stack = await startStack();
    wire = await DockerTripwire.start(join(stack.dir, 'docker-tripwire.sock'));
    ({ stateDir, clusterId } = await stack.enrollAgent('crashy'));
    start();
    await stack.waitOnline(clusterId);
  });

  afterAll(async () => {
    if (process.env['E2E_AGENT_LOG']) console.log(agentLog.join(''));
    // Agents first: a live agent would put back what the cleanup removes behind Berth's back.
    await stack?.stop();
    await wire?.stop();
    for (const t of tenants) await removeTenantObjects(docker, t);
  });

  async function newTenant(label: string): Promise<{ owner: Client; slug: string; tenantId: string }> {
    const slug = `crash-${label}-${Date.now().toString(36)}`;
    const owner = await stack.signUp(`owner-${slug}@swarm.test`);
    const tenantId = (await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: `Crash ${label}`, slug })).id;
    tenants.push(tenantId);
    return { owner, slug, tenantId };
  }

  /** Runs `then` once when the edge sends a command of that kind, after the frame went out. */
  function onSend(kind: string, then: () => void): () => void {
    const hub = stack.server.deps.hub;
    const original = hub.send.bind(hub);
    hub.send = (agentId: string, frame: EdgeMessage) => {
      const sent = original(agentId, frame);
      if (frame.type === 'edge:command' && Command.safeParse(decodeJwt(frame.jws)['cmd']).data?.kind === kind) {
        hub.send = original;
        then();
      }
      return sent;
    };
    return () => (hub.send = original);
  }

  /** Drops the first result of a command of that kind as it arrives at the edge, and runs `then`. */
  function onResult(kind: string, then: () => void): () => void {
    const dispatcher = stack.server.deps.agents.dispatcher;
    const original = dispatcher.result.bind(dispatcher);
    dispatcher.result = async (agentId, claims) => {
      const row = await stack.server.deps.db.select({ kind: command.kind }).from(command).where(eq(command.id, claims.jti)).get();
      if (row?.kind === kind) {
        dispatcher.result = original;
        then();
        return;
      }
      return original(agentId, claims);
    };
    return () => (dispatcher.result = original);
  }

  type Point = 'sent' | 'engine' | 'unacked';
  /** Arms the crash at `point` for the next command of `kind`; resolves once the agent was killed. */
  function crashAt(point: Point, kind: 'service.create' | 'service.scale'): Promise<void> {
    return new Promise<void>((resolve) => {
      const trip = () => {
        kill();
        resolve();
      };
      if (point === 'sent') onSend(kind, trip);
      else if (point === 'unacked') onResult(kind, trip);
      else wire.arm(kind === 'service.create' ? 'service.create' : 'service.update', trip);
    });
  }

  async function expectConverged(t: { owner: Client; slug: string; tenantId: string }, name: string, replicas: number) {
    // Exactly one Swarm service for the agent service, at the desired replica count, all running.
    await expect
      .poll(async () => (await tenantServices(docker, t.tenantId)).filter((s) => s.name.endsWith(`-${name}`)).map((s) => s.replicas), { timeout: 60_000, interval: 250 })
      .toEqual([replicas]);
    const [svc] = (await tenantServices(docker, t.tenantId)).filter((s) => s.name.endsWith(`-${name}`));
    await expect.poll(() => runningTasks(docker, svc?.id ?? ''), { timeout: 60_000, interval: 250 }).toBe(replicas);
    await expect
      .poll(async () => {
        const s = await t.owner.json<{ status: string; replicas: number }>('GET', `/api/v1/tenants/${t.slug}/agents/${name}`, 200);
        return { status: s.status, replicas: s.replicas };
      }, { timeout: 60_000, interval: 250 })
      .toEqual({ status: 'running', replicas });
    // No command lost: nothing of this service is still queued or in flight, and every one succeeded.
    const db = stack.server.deps.db;
    const service = await t.owner.json<{ id: string }>('GET', `/api/v1/tenants/${t.slug}/agents/${name}`, 200);
    await expect
      .poll(() => db.select({ id: command.id, kind: command.kind, status: command.status }).from(command).where(and(eq(command.clusterId, clusterId), inArray(command.status, ['queued', 'sent']))).all(), { timeout: 60_000, interval: 250 })
      .toEqual([]);
    const rows = await db.select({ kind: command.kind, status: command.status }).from(command).where(eq(command.agentServiceId, service.id)).all();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.status !== 'done')).toEqual([]);
  }

  /**
   * The crash happened where it was aimed: the edge holds the command as sent and unanswered, and
   * past the `engine` and `unacked` points the swarm already carries the change.
   */
  async function expectCrashedAt(point: Point, agentServiceId: string, kind: string, tenantId: string, name: string, replicas: number) {
    if (agent.exitCode === null && agent.signalCode === null) await once(agent, 'exit');
    const rows = await stack.server.deps.db.select({ status: command.status }).from(command).where(and(eq(command.agentServiceId, agentServiceId), eq(command.kind, kind))).all();
    expect(rows.map((r) => r.status)).toContain('sent');
    if (point === 'sent') return;
    const deployed = (await tenantServices(docker, tenantId)).filter((s) => s.name.endsWith(`-${name}`)).map((s) => s.replicas);
    expect(deployed).toEqual([replicas]);
  }

  const spec = (name: string) => ({ name, image: 'berth-test/busybox:1', command: ['sleep', '3600'], secrets: { TOKEN: `v-${name}` }, replicas: 1, limits: { cpu: 0.1, memoryMb: 32 } });

  it.each<Point>(['sent', 'engine', 'unacked'])('recovers from a kill -9 in the middle of a create, at the %s point, three times', async (point) => {
    const t = await newTenant(`c${point}`);
    for (let i = 0; i < REPS; i++) {
      const name = `c${i}`;
      const killed = crashAt(point, 'service.create');
      const { id } = await t.owner.json<{ id: string }>('POST', `/api/v1/tenants/${t.slug}/agents`, 202, spec(name));
      await killed;
      await expectCrashedAt(point, id, 'service.create', t.tenantId, name, 1);
      await restartAfterKill();
      await expectConverged(t, name, 1);
    }
  });

  it.each<Point>(['sent', 'engine', 'unacked'])('recovers from a kill -9 in the middle of a scale, at the %s point, three times', async (point) => {
    const t = await newTenant(`s${point}`);
    for (let i = 0; i < REPS; i++) {
      const name = `s${i}`;
      await t.owner.json('POST', `/api/v1/tenants/${t.slug}/agents`, 202, spec(name));
      await expectConverged(t, name, 1);
      const killed = crashAt(point, 'service.scale');
      const { id } = await t.owner.json<{ id: string }>('POST', `/api/v1/tenants/${t.slug}/agents/${name}/scale`, 202, { replicas: 2 });
      await killed;
      await expectCrashedAt(point, id, 'service.scale', t.tenantId, name, 2);
      await restartAfterKill();
      await expectConverged(t, name, 2);
    }
  });
});
