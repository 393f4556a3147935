import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { ResultClaims, type Command } from '@berth/protocol';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { silentLogger } from '../logger.ts';
import { AgentSigner } from '../signing/agent-signer.ts';
import { createAgentJwk, createTestEdge, signCommand, type TestEdge } from '../../test/support/test-keys.ts';
import { CommandProcessor, type CommandOutcome } from './command-processor.ts';
import { ReplayGuard } from './replay-guard.ts';

const AGENT = 'agent-1';
const net = (tenantId: string, name: string): Command => ({ kind: 'network.ensure', tenantId, name });

async function setup() {
  const edge = await createTestEdge();
  const docker = new FakeDockerPort();
  const guard = new ReplayGuard({ lastSeq: 0, applied: [] }, async () => undefined);
  const signer = await AgentSigner.create(AGENT, await createAgentJwk());
  const processor = new CommandProcessor({
    verify: { edgeKey: edge.publicKey, agentId: AGENT },
    guard,
    signer,
    ctx: { docker, policy: { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' }, log: silentLogger },
  });
  return { edge, docker, guard, processor };
}

/** A gate the fake engine waits on: the test decides when the slow call finishes. */
function gate() {
  let open = () => undefined as void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

const sign = (edge: TestEdge, cmd: Command, seq: number, jti: string) => signCommand(edge, cmd, { aud: AGENT, seq, jti });
const seqOf = (o: CommandOutcome) => (o.kind === 'rejected' ? undefined : ResultClaims.parse(decodeJwt(o.resultJws)).seq);

describe('CommandProcessor fairness', () => {
  it("answers tenant B's command while tenant A's earlier command is still running", async () => {
    const { edge, docker, processor, guard } = await setup();
    const slowA = gate();
    docker.slowNetworks.set('net-a', slowA.promise);
    const [a, b] = await Promise.all([sign(edge, net('ta', 'net-a'), 1, 'cmd-fair-a001'), sign(edge, net('tb', 'net-b'), 2, 'cmd-fair-b001')]);

    let aDone = false;
    const outA = processor.handle(a).then((o) => ((aDone = true), o));
    const outB = await processor.handle(b);

    expect(outB.kind).toBe('executed');
    expect(aDone).toBe(false);
    expect(guard.lastSeq).toBe(2);
    slowA.open();
    expect(seqOf(await outA)).toBe(1);
    expect([...docker.networks.values()].map((n) => n.name).sort()).toEqual(['net-a', 'net-b']);
  });

  it("keeps one tenant's commands in seq order behind its own slow command", async () => {
    const { edge, docker, processor } = await setup();
    const slow = gate();
    docker.slowNetworks.set('net-a1', slow.promise);
    const frames = await Promise.all([sign(edge, net('ta', 'net-a1'), 1, 'cmd-fair-a101'), sign(edge, net('ta', 'net-a2'), 2, 'cmd-fair-a102')]);
    const order: number[] = [];
    const outs = frames.map((jws) => processor.handle(jws).then((o) => (order.push(seqOf(o) ?? -1), o)));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    slow.open();
    await Promise.all(outs);
    expect(order).toEqual([1, 2]);
  });

  it('refuses a frame at or below a seq already admitted, even while that command still runs', async () => {
    const { edge, docker, processor } = await setup();
    const slow = gate();
    docker.slowNetworks.set('net-a', slow.promise);
    const running = processor.handle(await sign(edge, net('ta', 'net-a'), 5, 'cmd-fair-a201'));
    expect(await processor.handle(await sign(edge, net('tb', 'net-b'), 5, 'cmd-fair-b201'))).toEqual({ kind: 'rejected', code: 'COMMAND_STALE_SEQ' });
    const again = processor.handle(await sign(edge, net('ta', 'net-a'), 5, 'cmd-fair-a201'));
    slow.open();
    expect([(await running).kind, (await again).kind]).toEqual(['executed', 'replayed']);
    expect(docker.calls.filter((c) => c.op === 'createNetwork')).toHaveLength(1);
  });

  it('runs a reconcile alone: after the running tenant commands, before later ones', async () => {
    const { edge, docker, processor } = await setup();
    const slow = gate();
    docker.slowNetworks.set('net-a', slow.promise);
    const order: string[] = [];
    const track = (name: string, p: Promise<CommandOutcome>) => p.then((o) => (order.push(name), o));
    const a = track('a', processor.handle(await sign(edge, net('ta', 'net-a'), 1, 'cmd-fair-a301')));
    const rec = track('reconcile', processor.handle(await signCommand(edge, { kind: 'reconcile', tenantIds: ['ta', 'tb'], services: [] }, { aud: AGENT, seq: 2, jti: 'cmd-fair-r301' })));
    const b = track('b', processor.handle(await sign(edge, net('tb', 'net-b'), 3, 'cmd-fair-b301')));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    slow.open();
    await Promise.all([a, rec, b]);
    expect(order).toEqual(['a', 'reconcile', 'b']);
  });
});
