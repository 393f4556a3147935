// `npm run bench`: spawn latency through Berth against the raw Swarm floor, on the same engine in
// the same run, plus command dispatch and status propagation. Not a test: it prints numbers.
// The four spawns of a round run back to back, so a noisy machine slows all of them alike.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { Command, ServiceUpsert } from '@berth/protocol';
import { startStack, watchEvents } from '@berth/test-support/swarm-stack';
import { engine, removeTenantObjects } from '@berth/test-support/tenant-objects';
import { buildServiceSpec } from '../node-agent/src/docker/service-spec.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const IMAGE = 'berth-test/busybox:1';
const LIMITS = { cpu: 0.05, memoryMb: 16 };
const docker = engine();
const StartEvent = z.object({ timeNano: z.number(), Actor: z.object({ Attributes: z.record(z.string(), z.string()) }) });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const line = (name: string, xs: number[]) => `${name.padEnd(52)} median ${pct(xs, 50).toFixed(1).padStart(7)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(7)} ms   (n=${xs.length})`;
const ratio = (name: string, xs: number[], floor: number[], target = '') =>
  `${name.padEnd(52)} median ${(pct(xs, 50) / pct(floor, 50)).toFixed(2)}×   p99 ${(pct(xs, 99) / pct(floor, 99)).toFixed(2)}×${target}`;

/**
 * Waits until no container of these tenants is left, so each spawn starts on a quiet engine
 * instead of overlapping the teardown of the one before (which slows overlay attachments most).
 */
async function quiet(...tenants: string[]): Promise<void> {
  for (let i = 0; i < 300; i++) {
    // Label filters are ANDed by the engine: one query per tenant.
    const left = await Promise.all(tenants.map((t) => docker.listContainers({ all: true, filters: { label: [`berth.tenant=${t}`] } })));
    if (left.every((l) => l.length === 0)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** dockerode createService → first task Running (polled every 5 ms), then removed. */
async function rawSpawn(spec: object): Promise<number> {
  const t0 = performance.now();
  const svc = await docker.createService(spec);
  for (;;) {
    const tasks = await docker.listTasks({ filters: { service: [svc.id] } });
    if (tasks.some((t) => t.Status?.State === 'running')) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const took = performance.now() - t0;
  await docker.getService(svc.id).remove();
  return took;
}

/** (a) the bare minimum: one replica of the image, no network, no limits. */
const bareSpec = (tenant: string, i: number) => ({
  Name: `bench-raw-${tenant}-${i}`,
  Labels: { 'berth.tenant': tenant },
  TaskTemplate: { ContainerSpec: { Image: IMAGE, Command: ['sleep', '3600'], Labels: { 'berth.tenant': tenant } } },
  Mode: { Replicated: { Replicas: 1 } },
});

/**
 * (a1) the bare spec joined to the tenant's encrypted overlay network and nothing else: what the
 * per-tenant network isolation costs on its own, whoever sends the spec.
 */
const networkOnlySpec = (tenant: string, networkId: string, i: number) => {
  const bare = bareSpec(tenant, i);
  return { ...bare, Name: `bench-netonly-${tenant}-${i}`, TaskTemplate: { ...bare.TaskTemplate, Networks: [{ Target: networkId }] } };
};

/**
 * (a′) the Engine spec Berth's agent sends for the same agent service (the tenant's encrypted
 * overlay network, init, limits, restart and update policy), sent straight to the engine. Labels
 * are the bench's own, so Berth's agent does not take it for one of its services.
 */
function berthShapedSpec(tenant: string, networkId: string, i: number) {
  const desired = ServiceUpsert.parse({
    tenantId: randomUUID(),
    agentServiceId: randomUUID(),
    specHash: 'bench-floor-0000',
    network: `bench-net-${tenant}`,
    spec: { name: `raw${i}`, image: IMAGE, command: ['sleep', '3600'], replicas: 1, limits: LIMITS },
  });
  const spec = buildServiceSpec(desired, { networkTarget: networkId, secrets: [], forceUpdate: 0, volumeDriver: 'local' });
  const labels = { 'berth.tenant': tenant };
  return { ...spec, Name: `bench-shaped-${tenant}-${i}`, Labels: labels, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { ...spec.TaskTemplate.ContainerSpec, Labels: labels } } };
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
    // (a1) and (a′) each get a network of their own, used once a round like the Berth tenant's:
    // a spawn right after the last task of a network left waits out the node tearing it down.
    const tenantNetwork = (name: string) => docker.createNetwork({ Name: name, Driver: 'overlay', Options: { encrypted: 'true' }, Labels: { 'berth.tenant': rawTenant } });
    const network = await tenantNetwork(`bench-net-${rawTenant}`);
    const networkOnly = await tenantNetwork(`bench-net1-${rawTenant}`);

    // Marks on the edge, wall clock (comparable with the agent's and the engine's times).
    const mark = new Map<string, number>();
    const at = (key: string) => mark.get(key);
    const kindOf = new Map<string, string>();
    const hub = stack.server.deps.hub;
    const send = hub.send.bind(hub);
    hub.send = (agentId, frame) => {
      const ok = send(agentId, frame);
      if (frame.type === 'edge:command') {
        const claims = decodeJwt(frame.jws);
        const cmd = Command.safeParse(claims['cmd']).data;
        const key = cmd?.kind === 'service.create' ? cmd.agentServiceId : cmd?.kind === 'network.ensure' ? cmd.tenantId : undefined;
        if (cmd && key && claims.jti) {
          kindOf.set(claims.jti, `${cmd.kind}:${key}`);
          if (!mark.has(`sent ${cmd.kind}:${key}`)) mark.set(`sent ${cmd.kind}:${key}`, Date.now());
        }
      }
      return ok;
    };
    const dispatcher = stack.server.deps.agents.dispatcher;
    const result = dispatcher.result.bind(dispatcher);
    dispatcher.result = (agentId, claims) => {
      const kind = kindOf.get(claims.jti);
      if (kind && !mark.has(`result ${kind}`)) mark.set(`result ${kind}`, Date.now());
      return result(agentId, claims);
    };
    const bus = stack.server.deps.bus;
    const publish = bus.publish.bind(bus);
    bus.publish = (tenant, event) => {
      if (event.status === 'running' && !mark.has(`published ${event.agentServiceId}`)) mark.set(`published ${event.agentServiceId}`, Date.now());
      publish(tenant, event);
    };

    // Container start as Docker reports it (engine time) for the bench tenant's tasks.
    const events = await docker.getEvents({ filters: { type: ['container'], event: ['start'], label: [`berth.tenant=${tenantId}`] } });
    // dockerode types the stream as NodeJS.ReadableStream; it is the HTTP response, a Readable.
    if (!(events instanceof Readable)) throw new Error('docker events: expected a readable stream');
    events.on('data', (chunk: Buffer) => {
      for (const l of chunk.toString().split('\n').filter(Boolean)) {
        const e = StartEvent.safeParse(JSON.parse(l)).data;
        const svc = e?.Actor.Attributes['berth.agent-service'];
        if (e && svc && !mark.has(`start ${svc}`)) mark.set(`start ${svc}`, e.timeNano / 1e6);
      }
    });

    const stream = await watchEvents(owner, slug);
    const raw: number[] = [];
    const networked: number[] = [];
    const shaped: number[] = [];
    const spawn: number[] = [];
    const dispatch: number[] = [];
    const propagation: number[] = [];
    const stages = { accepted: [] as number[], create: [] as number[], applied: [] as number[], started: [] as number[], published: [] as number[], streamed: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      await quiet(rawTenant, tenantId);
      raw.push(await rawSpawn(bareSpec(rawTenant, i)));
      await quiet(rawTenant);
      networked.push(await rawSpawn(networkOnlySpec(rawTenant, networkOnly.id, i)));
      await quiet(rawTenant);
      shaped.push(await rawSpawn(berthShapedSpec(rawTenant, network.id, i)));
      await quiet(rawTenant);

      const name = `b${i}`;
      const wall0 = Date.now();
      const t0 = performance.now();
      const created = await owner.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, { name, image: IMAGE, command: ['sleep', '3600'], replicas: 1, limits: LIMITS });
      const answered = Date.now();
      await stream.waitFor(name, 'running', 60_000);
      const seen = Date.now();
      spawn.push(performance.now() - t0);
      const id = created.id;
      const sent = at(`sent service.create:${id}`);
      if (sent !== undefined) dispatch.push(Math.max(0, sent - answered));
      const started = at(`start ${id}`);
      if (started !== undefined) propagation.push(seen - started);
      const path = [at(`sent network.ensure:${tenantId}`) ?? NaN, sent ?? NaN, at(`result service.create:${id}`) ?? NaN, started ?? NaN, at(`published ${id}`) ?? NaN, seen];
      const [first, create, applied, start, published] = path;
      if (path.every(Number.isFinite) && first !== undefined && create !== undefined && applied !== undefined && start !== undefined && published !== undefined) {
        stages.accepted.push(first - wall0);
        stages.create.push(create - first);
        stages.applied.push(applied - create);
        stages.started.push(start - applied);
        stages.published.push(published - start);
        stages.streamed.push(seen - published);
      }
      mark.delete(`sent network.ensure:${tenantId}`);
      await owner.json('DELETE', `/api/v1/tenants/${slug}/agents/${name}`, 202);
      await stream.waitFor(name, 'removed', 60_000);
    }
    stream.close();
    events.destroy();

    console.log(`\nBerth spawn benchmark, ${RUNS} rounds, same engine, same run (wall-clock medians of each stage below)\n`);
    console.log(line('(a) raw floor: createService → task running', raw));
    console.log(line('(a1) raw floor + the tenant overlay network only', networked));
    console.log(line("(a′) raw, Berth's Engine spec (tenant overlay net…)", shaped));
    console.log(line('(b) Berth: API POST → running on SSE', spawn));
    console.log(line('(c) dispatch: API 202 → signed command sent', dispatch));
    console.log(line('(d) propagation: container start → SSE', propagation));
    console.log('\nwhere (b) goes:');
    console.log(line('  POST → first command (network.ensure) sent', stages.accepted));
    console.log(line('  → service.create sent', stages.create));
    console.log(line('  → its result at the edge (verify, docker, persist)', stages.applied));
    console.log(line('  → container started (engine event)', stages.started));
    console.log(line('  → running stored and published by the edge', stages.published));
    console.log(line('  → running read from the SSE stream', stages.streamed));
    console.log('');
    console.log(ratio('spawn through Berth / raw floor (a)', spawn, raw, '   target ≤ 1.10× (median)'));
    console.log(ratio("spawn through Berth / Berth's spec sent raw (a′)", spawn, shaped));
    console.log(ratio('spawn through Berth / floor with tenant network (a1)', spawn, networked));
    console.log(ratio('tenant network alone (a1) / raw floor (a)', networked, raw));
    console.log(ratio("Berth's spec sent raw (a′) / raw floor (a)", shaped, raw));
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
