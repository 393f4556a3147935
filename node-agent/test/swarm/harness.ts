import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { decodeJwt } from 'jose';
import { ResultClaims, type AdmissionPolicy, type Command, type ServiceStatusEvent } from '@berth/protocol';
import { CommandProcessor, type CommandOutcome } from '../../src/commands/command-processor.ts';
import { ReplayGuard } from '../../src/commands/replay-guard.ts';
import { DockerodeAdapter } from '../../src/docker/dockerode-adapter.ts';
import { LABEL } from '../../src/docker/labels.ts';
import { StatusWatcher } from '../../src/health/status-watcher.ts';
import { silentLogger } from '../../src/logger.ts';
import { AgentSigner } from '../../src/signing/agent-signer.ts';
import { createAgentJwk, createTestEdge, signCommand, type SignOptions, type TestEdge } from '../support/test-keys.ts';

const SOCKET = '/var/run/docker.sock';
export const TEST_IMAGE = 'berth-test/busybox:1';
export const policy: AdmissionPolicy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' };

/**
 * One agent wired to the real engine, with a unique tenant id per harness so that every Swarm
 * object a test creates carries `berth.tenant=<that id>` and `cleanup()` can remove exactly those.
 */
export interface SwarmHarness {
  agentId: string;
  tenantId: string;
  network: string;
  edge: TestEdge;
  docker: DockerodeAdapter;
  engine: Docker;
  processor: CommandProcessor;
  events: ServiceStatusEvent[];
  watcher: StatusWatcher;
  nextSeq(): number;
  send(cmd: Command, o?: Partial<SignOptions>): Promise<CommandOutcome>;
  result(outcome: CommandOutcome): ResultClaims['result'];
  latestStatus(agentServiceId: string): ServiceStatusEvent | undefined;
  cleanup(): Promise<void>;
}

/** Builds a harness (call `cleanup` in afterAll/afterEach); `agentPolicy` replaces the agent's admission policy. */
export async function createHarness(agentPolicy: AdmissionPolicy = policy): Promise<SwarmHarness> {
  const suffix = randomBytes(4).toString('hex');
  const tenantId = `bt${suffix}`;
  const agentId = `agent-${suffix}`;
  const edge = await createTestEdge();
  const docker = new DockerodeAdapter({ socketPath: SOCKET });
  const engine = new Docker({ socketPath: SOCKET });
  const guard = new ReplayGuard({ lastSeq: 0, applied: [] }, async () => undefined);
  const signer = await AgentSigner.create(agentId, await createAgentJwk());
  const processor = new CommandProcessor({ verify: { edgeKey: edge.publicKey, agentId }, guard, signer, ctx: { docker, policy: agentPolicy, log: silentLogger } });
  const events: ServiceStatusEvent[] = [];
  const watcher = new StatusWatcher({ docker, emit: (e) => events.push(e), log: silentLogger });
  watcher.start();
  let seq = 0;
  const h: SwarmHarness = {
    agentId,
    tenantId,
    network: `berth-${tenantId}-net`,
    edge,
    docker,
    engine,
    processor,
    events,
    watcher,
    nextSeq: () => ++seq,
    send: async (cmd, o = {}) => processor.handle(await signCommand(edge, cmd, { aud: agentId, seq: o.seq ?? ++seq, ...o })),
    result: (outcome) => {
      if (outcome.kind === 'rejected') throw new Error(`command rejected: ${outcome.code}`);
      return ResultClaims.parse(decodeJwt(outcome.resultJws)).result;
    },
    latestStatus: (id) => events.filter((e) => e.tenantId === tenantId && e.agentServiceId === id).at(-1),
    cleanup: async () => {
      await watcher.stop();
      const filter = { label: [`${LABEL.tenant}=${tenantId}`] };
      for (const s of await engine.listServices({ filters: filter })) await engine.getService(s.ID).remove().catch(() => undefined);
      // Task containers must be gone before their network can be removed.
      for (let i = 0; i < 100; i++) {
        const left = await engine.listContainers({ all: true, filters: { label: [`${LABEL.tenant}=${tenantId}`] } });
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const n of await engine.listNetworks({ filters: filter })) await engine.getNetwork(n.Id).remove().catch(() => undefined);
      const secrets: unknown[] = await engine.listSecrets({ filters: filter });
      for (const s of secrets) {
        const id = typeof s === 'object' && s !== null && 'ID' in s && typeof s.ID === 'string' ? s.ID : undefined;
        if (id) await engine.getSecret(id).remove().catch(() => undefined);
      }
    },
  };
  return h;
}

/** A create or update command. */
export type UpsertCommand = Extract<Command, { kind: 'service.create' | 'service.update' }>;

/** A `service.create` command for the harness tenant (spread and set `kind` for an update). */
export function createCommand(h: SwarmHarness, name: string, spec: Record<string, unknown> = {}, specHash = `hash-${name}-0001`): UpsertCommand {
  return {
    kind: 'service.create',
    tenantId: h.tenantId,
    agentServiceId: `as-${name}`,
    specHash,
    network: h.network,
    secrets: [],
    spec: { name, image: TEST_IMAGE, command: ['sleep', '3600'], env: {}, secrets: [], replicas: 1, limits: { cpu: 0.1, memoryMb: 32 }, ...spec },
  };
}
