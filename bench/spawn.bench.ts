// `npm run bench`: spawn latency through Berth against the raw Swarm floor, on the same engine in
// the same run, plus command dispatch and status propagation. Not a test: it prints numbers.
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { Command } from '@berth/protocol';
import { startStack, watchEvents } from '../edge/test/swarm/stack.ts';
import { engine, removeTenantObjects } from '../edge/test/swarm/tenant-objects.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const IMAGE = 'berth-test/busybox:1';
const docker = engine();
const StartEvent = z.object({ timeNano: z.number(), Actor: z.object({ Attributes: z.record(z.string(), z.string()) }) });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const line = (name: string, xs: number[]) => `${name.padEnd(44)} median ${pct(xs, 50).toFixed(1).padStart(7)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms   (n=${xs.length})`;

/** (a) dockerode createService → first task Running. */
async function rawFloor(tenant: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const svc = await docker.createService({
      Name: `bench-raw-${tenant}-${i}`,
      Labels: { 'berth.tenant': tenant },
      TaskTemplate: { ContainerSpec: { Image: IMAGE, Command: ['sleep', '3600'], Labels: { 'berth.tenant': tenant } } },
      Mode: { Replicated: { Replicas: 1 } },
    });
    for (;;) {
      const tasks = await docker.listTasks({ filters: { service: [svc.id] } });
      if (tasks.some((t) => t.Status?.State === 'running')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(performance.now() - t0);
    await docker.getService(svc.id).remove();
  }
  return out;
}

async function main() {
  const rawTenant = `bt${randomBytes(4).toString('hex')}`;
  const stack = await startStack();
  let tenantId = '';
  try {
    const { stateDir, clusterId } = await stack.enrollAgent('bench');
    stack.runAgent(stateDir).stderr?.resume();
    await stack.waitOnline(clusterId);
    const owner = await stack.signUp(`bench-${rawTenant}@swarm.test`);
    const slug = `bench-${rawTenant}`;
    tenantId = (await owner.json<{ id: string }>('POST', '/api/v1/tenants', 201, { name: 'Bench', slug })).id;

    // (c) instrument the edge: when does the signed service.create frame go out on the socket?
    const sentAt = new Map<string, number>();
    const hub = stack.server.deps.hub;
    const send = hub.send.bind(hub);
    hub.send = (agentId, frame) => {
      const ok = send(agentId, frame);
      if (frame.type === 'edge:command') {
        const cmd = Command.safeParse(decodeJwt(frame.jws)['cmd']).data;
        if (cmd?.kind === 'service.create') sentAt.set(cmd.agentServiceId, performance.now());
      }
      return ok;
    };

    // (d) container start as Docker reports it (engine time) for the bench tenant's tasks.
    const startedAt = new Map<string, number>();
    const events = await docker.getEvents({ filters: { type: ['container'], event: ['start'], label: [`berth.tenant=${tenantId}`] } });
    events.on('data', (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n').filter(Boolean)) {
        const e = StartEvent.safeParse(JSON.parse(l)).data;
        const svc = e?.Actor.Attributes['berth.agent-service'];
        if (e && svc && !startedAt.has(svc)) startedAt.set(svc, e.timeNano / 1e6);
      }
    });

    const stream = await watchEvents(owner, slug);
    const spawn: number[] = [];
    const dispatch: number[] = [];
    const propagation: number[] = [];
    const raw = await rawFloor(rawTenant);
    for (let i = 0; i < RUNS; i++) {
      const name = `b${i}`;
      const t0 = performance.now();
      const created = await owner.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, { name, image: IMAGE, command: ['sleep', '3600'], replicas: 1, limits: { cpu: 0.05, memoryMb: 16 } });
      const answered = performance.now();
      await stream.waitFor(name, 'running', 60_000);
      const seenAt = performance.now();
      const wall = Date.now();
      spawn.push(seenAt - t0);
      const sent = sentAt.get(created.id);
      if (sent !== undefined) dispatch.push(Math.max(0, sent - answered));
      const started = startedAt.get(created.id);
      if (started !== undefined) propagation.push(wall - started);
      await owner.json('DELETE', `/api/v1/tenants/${slug}/agents/${name}`, 202);
      await stream.waitFor(name, 'removed', 60_000);
    }
    stream.close();
    events.destroy();

    const ratio = pct(spawn, 50) / pct(raw, 50);
    console.log(`\nBerth spawn benchmark, ${RUNS} runs each, same engine, same run\n`);
    console.log(line('(a) raw floor: createService → task running', raw));
    console.log(line('(b) Berth: API POST → running on SSE', spawn));
    console.log(line('(c) dispatch: API 202 → signed command sent', dispatch));
    console.log(line('(d) propagation: container start → SSE', propagation));
    console.log(`\nspawn through Berth / raw floor (medians): ${ratio.toFixed(2)}×   target ≤ 1.10×`);
    console.log(`dispatch p99: ${pct(dispatch, 99).toFixed(1)} ms   target ≤ 20 ms`);
  } finally {
    await stack.stop();
    await removeTenantObjects(docker, rawTenant);
    if (tenantId) await removeTenantObjects(docker, tenantId);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
