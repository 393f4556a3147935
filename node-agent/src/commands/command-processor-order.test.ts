import { decodeJwt } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { ResultClaims, type Command } from '@berth/protocol';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { silentLogger } from '../logger.ts';
import { AgentSigner } from '../signing/agent-signer.ts';
import { createAgentJwk, createTestEdge, signCommand } from '../../test/support/test-keys.ts';
import { CommandProcessor } from './command-processor.ts';
import { ReplayGuard } from './replay-guard.ts';
import type * as VerifyModule from './verify-command.ts';

// Verification is asynchronous (WebCrypto on the thread pool), so a command can finish verifying
// before the one that arrived ahead of it. This makes chosen commands verify slowly, on purpose.
const slow = vi.hoisted(() => ({ jtis: new Set<string>() }));
vi.mock('./verify-command.ts', async (importOriginal) => {
  const real = await importOriginal<typeof VerifyModule>();
  return {
    ...real,
    verifyCommand: async (...args: Parameters<typeof real.verifyCommand>) => {
      const claims = await real.verifyCommand(...args);
      if (slow.jtis.has(claims.jti)) await new Promise((r) => setTimeout(r, 30));
      return claims;
    },
  };
});

const AGENT = 'agent-1';
const net = (i: number): Command => ({ kind: 'network.ensure', tenantId: 't1', name: `net-${i}` });

describe('CommandProcessor ordering', () => {
  it('executes commands in arrival order even when a later one finishes verifying first', async () => {
    const edge = await createTestEdge();
    const guard = new ReplayGuard({ lastSeq: 0, applied: [] }, async () => undefined);
    const signer = await AgentSigner.create(AGENT, await createAgentJwk());
    const processor = new CommandProcessor({
      verify: { edgeKey: edge.publicKey, agentId: AGENT },
      guard,
      signer,
      ctx: { docker: new FakeDockerPort(), policy: { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' }, log: silentLogger },
    });
    const frames = await Promise.all([1, 2, 3, 4].map((seq) => signCommand(edge, net(seq), { aud: AGENT, seq, jti: `cmd-order-000${seq}` })));
    slow.jtis.add('cmd-order-0001').add('cmd-order-0003');

    const outcomes = await Promise.all(frames.map((jws) => processor.handle(jws)));

    expect(outcomes.map((o) => o.kind)).toEqual(['executed', 'executed', 'executed', 'executed']);
    expect(outcomes.map((o) => (o.kind === 'rejected' ? undefined : ResultClaims.parse(decodeJwt(o.resultJws)).seq))).toEqual([1, 2, 3, 4]);
    expect(guard.lastSeq).toBe(4);
  });
});
