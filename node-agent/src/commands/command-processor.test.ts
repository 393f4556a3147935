import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ResultClaims, type Command } from '@berth/protocol';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { silentLogger } from '../logger.ts';
import { AgentSigner } from '../signing/agent-signer.ts';
import { createAgentJwk, createTestEdge, signCommand, tamper, type TestEdge } from '../../test/support/test-keys.ts';
import { CommandProcessor } from './command-processor.ts';
import { ReplayGuard, type ReplayState } from './replay-guard.ts';

const AGENT = 'agent-1';
const policy = { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' };
const ensureNet: Command = { kind: 'network.ensure', tenantId: 't1', name: 'net-t1' };
const create = (name = 'web', extra: Record<string, unknown> = {}): Command => ({
  kind: 'service.create',
  tenantId: 't1',
  agentServiceId: `svc-${name}`,
  specHash: `hash-${name}-1`,
  network: 'net-t1',
  secrets: [],
  spec: { name, image: 'berth-test/busybox:1', env: {}, secrets: [], replicas: 1, limits: { cpu: 0.1, memoryMb: 32 }, ...extra },
});

async function setup(initial: ReplayState = { lastSeq: 0, applied: [] }) {
  const edge = await createTestEdge();
  const docker = new FakeDockerPort();
  const persisted: ReplayState[] = [];
  const guard = new ReplayGuard(initial, async (s) => {
    persisted.push(structuredClone(s));
  });
  const signer = await AgentSigner.create(AGENT, await createAgentJwk());
  const processor = new CommandProcessor({ verify: { edgeKey: edge.publicKey, agentId: AGENT }, guard, signer, ctx: { docker, policy, log: silentLogger } });
  return { edge, docker, guard, processor, persisted };
}

function resultOf(jws: string): ResultClaims {
  return ResultClaims.parse(decodeJwt(jws));
}

async function run(p: CommandProcessor, edge: TestEdge, cmd: Command, seq: number, jti?: string) {
  return p.handle(await signCommand(edge, cmd, { aud: AGENT, seq, ...(jti ? { jti } : {}) }));
}

describe('CommandProcessor', () => {
  it('executes a valid command and answers a signed result echoing jti and seq', async () => {
    const { edge, processor, docker } = await setup();
    const out = await run(processor, edge, ensureNet, 1, 'cmd-net-0001');
    expect(out.kind).toBe('executed');
    const claims = out.kind === 'executed' ? resultOf(out.resultJws) : undefined;
    expect(claims).toMatchObject({ iss: AGENT, aud: 'berth-edge', jti: 'cmd-net-0001', seq: 1, result: { ok: true } });
    expect(docker.networks.size).toBe(1);
  });

  it('answers a redelivered command from the store without executing it twice', async () => {
    const { edge, processor, docker, persisted } = await setup();
    await run(processor, edge, ensureNet, 1);
    const jws = await signCommand(edge, create(), { aud: AGENT, seq: 2, jti: 'cmd-create-0001' });
    const [a, b] = await Promise.all([processor.handle(jws), processor.handle(jws)]);
    const again = await processor.handle(jws);
    expect([a.kind, b.kind, again.kind]).toEqual(['executed', 'replayed', 'replayed']);
    expect(docker.calls.filter((c) => c.op === 'createService')).toHaveLength(1);
    expect(again.kind === 'replayed' ? resultOf(again.resultJws) : undefined).toMatchObject({ replayed: true, result: { ok: true } });
    expect(persisted.at(-1)?.lastSeq).toBe(2);
  });

  it('remembers applied commands across restarts through the persisted state', async () => {
    const first = await setup();
    await run(first.processor, first.edge, ensureNet, 1, 'cmd-net-0001');
    const restarted = await setup(first.persisted.at(-1));
    const jws = await signCommand(restarted.edge, ensureNet, { aud: AGENT, seq: 1, jti: 'cmd-net-0001' });
    // The restarted agent pins a new edge key in this test, so re-sign with it; the jti is what matters.
    expect((await restarted.processor.handle(jws)).kind).toBe('replayed');
    expect(restarted.docker.calls).toHaveLength(0);
  });

  it('never executes a new command whose seq is not above the last applied one', async () => {
    const { edge, processor, docker } = await setup();
    await run(processor, edge, ensureNet, 5);
    expect(await run(processor, edge, { ...ensureNet, name: 'net-other' }, 5)).toEqual({ kind: 'rejected', code: 'COMMAND_STALE_SEQ' });
    expect(await run(processor, edge, { ...ensureNet, name: 'net-other' }, 3)).toEqual({ kind: 'rejected', code: 'COMMAND_STALE_SEQ' });
    expect(docker.networks.size).toBe(1);
  });

  it('rejects tampered, foreign-key, wrong-audience, wrong-type and expired commands before executing', async () => {
    const { edge, processor, docker } = await setup();
    const other = await createTestEdge();
    const now = Math.floor(Date.now() / 1000);
    const cases = await Promise.all([
      signCommand(edge, ensureNet, { aud: AGENT, seq: 1 }).then(tamper),
      signCommand(other, ensureNet, { aud: AGENT, seq: 1 }),
      signCommand(edge, ensureNet, { aud: 'agent-2', seq: 1 }),
      signCommand(edge, ensureNet, { aud: AGENT, seq: 1, typ: 'JWT' }),
      signCommand(edge, ensureNet, { aud: AGENT, seq: 1, iss: 'mallory' }),
      signCommand(edge, ensureNet, { aud: AGENT, seq: 1, iat: now - 120, exp: now - 60 }),
      signCommand(edge, ensureNet, { aud: AGENT, seq: 1, iat: now, exp: now + 3600 }),
      signCommand(edge, ensureNet, { aud: AGENT, seq: 1, sub: 't2' }),
    ]);
    const codes = [];
    for (const jws of cases) codes.push(await processor.handle(jws));
    expect(codes.map((c) => (c.kind === 'rejected' ? c.code : c.kind))).toEqual([
      'COMMAND_SIGNATURE_INVALID',
      'COMMAND_SIGNATURE_INVALID',
      'COMMAND_CLAIMS_INVALID',
      'COMMAND_CLAIMS_INVALID',
      'COMMAND_CLAIMS_INVALID',
      'COMMAND_EXPIRED',
      'COMMAND_MALFORMED',
      'COMMAND_MALFORMED',
    ]);
    expect(docker.calls).toHaveLength(0);
  });

  it('answers an admission refusal with the violation code and records it as applied', async () => {
    const { edge, processor, docker } = await setup();
    await run(processor, edge, ensureNet, 1);
    const out = await run(processor, edge, create('bad', { mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/s' }] }), 2);
    const claims = out.kind === 'executed' ? resultOf(out.resultJws) : undefined;
    expect(claims?.result).toMatchObject({ ok: false, error: { code: 'POLICY_DOCKER_SOCKET', violations: [{ path: 'mounts[0]' }] } });
    expect(docker.calls.filter((c) => c.op === 'createService')).toHaveLength(0);
  });

  it('runs a redelivered log tail again instead of storing its lines', async () => {
    const { edge, processor, docker, persisted } = await setup();
    await run(processor, edge, ensureNet, 1);
    await run(processor, edge, create(), 2);
    const [id] = docker.services.keys();
    docker.logs.set(id ?? '', [{ stream: 'stdout', line: 'one' }]);
    const jws = await signCommand(edge, { kind: 'logs.tail', tenantId: 't1', agentServiceId: 'svc-web', tail: 10 }, { aud: AGENT, seq: 3 });
    await processor.handle(jws);
    docker.logs.set(id ?? '', [{ stream: 'stdout', line: 'one' }, { stream: 'stdout', line: 'two' }]);
    const again = await processor.handle(jws);
    expect(again.kind === 'executed' ? resultOf(again.resultJws).result : undefined).toEqual({ ok: true, data: { lines: [{ stream: 'stdout', line: 'one' }, { stream: 'stdout', line: 'two' }] } });
    expect(persisted.at(-1)?.applied.at(-1)?.result).toEqual({ ok: true });
  });

  it('turns a Docker failure into a failed result instead of throwing', async () => {
    const { edge, processor } = await setup();
    const out = await run(processor, edge, create(), 1);
    expect(out.kind === 'executed' ? resultOf(out.resultJws).result : undefined).toMatchObject({ ok: false, error: { code: 'NETWORK_NOT_FOUND' } });
  });
});
