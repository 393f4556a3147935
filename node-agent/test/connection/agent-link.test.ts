import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, exportJWK, importJWK, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { AgentMessage, EventsClaims, HELLO_TYP, HelloClaims, ResultClaims, type Command, type EdgeMessage } from '@berth/protocol';
import { createAgent, type Agent } from '../../src/agent.ts';
import { FakeDockerPort } from '@berth/test-support/fake-docker-port';
import { silentLogger } from '../../src/logger.ts';
import type { AgentState } from '../../src/state/agent-state.ts';
import { StateFile } from '../../src/state/state-file.ts';
import { createAgentJwk, createTestEdge, signCommand, type TestEdge } from '../support/test-keys.ts';

const AGENT = 'agent-link-1';

/** A minimal edge: challenge, verify hello, welcome; collects agent frames per connection. */
class FakeEdge {
  readonly wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  readonly frames: AgentMessage[] = [];
  readonly hellos: Extract<AgentMessage, { type: 'agent:hello' }>[] = [];
  readonly closes: number[] = [];
  socket: WebSocket | undefined;
  constructor(agentPublicJwk: object) {
    this.wss.on('connection', (ws) => {
      this.socket = ws;
      const nonce = `nonce-${Math.random().toString(36).slice(2)}-${Date.now()}`;
      ws.on('close', (code) => this.closes.push(code));
      ws.on('message', async (raw) => {
        const msg = AgentMessage.parse(JSON.parse(String(raw)));
        this.frames.push(msg);
        if (msg.type !== 'agent:hello') return;
        const key = await importJWK({ ...agentPublicJwk }, 'EdDSA');
        const { payload } = await jwtVerify(msg.proof, key, { algorithms: ['EdDSA'], typ: HELLO_TYP, audience: 'berth-edge', issuer: msg.agentId });
        if (HelloClaims.parse(payload).nonce !== nonce) return ws.close(1008);
        this.hellos.push(msg);
        this.send({ type: 'edge:welcome', agentId: msg.agentId, clusterId: 'cluster-1', heartbeatIntervalMs: 1000 });
      });
      this.send({ type: 'edge:challenge', nonce });
    });
  }
  get url(): string {
    const addr = this.wss.address();
    return typeof addr === 'object' && addr ? `ws://127.0.0.1:${addr.port}/agent` : '';
  }
  send(msg: EdgeMessage | Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(msg));
  }
  results(): ResultClaims[] {
    return this.frames.flatMap((f) => (f.type === 'agent:result' ? [ResultClaims.parse(decodeJwt(f.jws))] : []));
  }
  events(): EventsClaims['events'] {
    return this.frames.flatMap((f) => (f.type === 'agent:events' ? EventsClaims.parse(decodeJwt(f.jws)).events : []));
  }
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(): Promise<{ edge: FakeEdge; agent: Agent; keys: TestEdge; docker: FakeDockerPort; stateFile: StateFile }> {
  const keys = await createTestEdge();
  const agentJwk = await createAgentJwk();
  const edge = new FakeEdge({ kty: 'OKP', crv: 'Ed25519', x: agentJwk.x });
  await once(edge.wss, 'listening');
  const edgeJwk = await exportJWK(keys.publicKey);
  const state: AgentState = {
    version: 1,
    agentId: AGENT,
    clusterId: 'cluster-1',
    edgeUrl: 'http://127.0.0.1',
    connectUrl: edge.url,
    privateKeyJwk: agentJwk,
    edgePublicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x: edgeJwk.x ?? '' },
    edgeKid: 'edge-1',
    lastSeq: 0,
    applied: [],
  };
  const stateFile = new StateFile(await mkdtemp(join(tmpdir(), 'berth-link-')));
  const docker = new FakeDockerPort();
  const agent = await createAgent({ state, stateFile, docker, policy: { allowedRegistries: ['berth-test'], allowManagerPlacement: false, allowedPlacementLabels: [], volumeDriver: 'local' }, heartbeatMs: 1000, backoffMaxMs: 1000, version: 'test', log: silentLogger });
  agent.start();
  cleanup.push(async () => {
    await agent.stop();
    for (const c of edge.wss.clients) c.terminate();
    await new Promise((r) => edge.wss.close(r));
  });
  return { edge, agent, keys, docker, stateFile };
}

const ensureNet: Command = { kind: 'network.ensure', tenantId: 't1', name: 'net-t1' };
const create: Command = {
  kind: 'service.create',
  tenantId: 't1',
  agentServiceId: 's1',
  specHash: 'hash-s1-0001',
  network: 'net-t1',
  secrets: [],
  spec: { name: 'web', image: 'berth-test/busybox:1', env: {}, secrets: [], replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } },
};

describe('agent ↔ edge link', () => {
  it('answers the challenge with a valid proof, executes commands and reports status', async () => {
    const { edge, keys, agent } = await setup();
    await expect.poll(() => agent.connection.state, { timeout: 5000 }).toBe('ready');
    expect(edge.hellos[0]).toMatchObject({ agentId: AGENT, lastSeq: 0, swarmNodeId: 'fake-node', version: 'test' });
    edge.send({ type: 'edge:command', jws: await signCommand(keys, ensureNet, { aud: AGENT, seq: 1, jti: 'cmd-link-0001' }) });
    edge.send({ type: 'edge:command', jws: await signCommand(keys, create, { aud: AGENT, seq: 2, jti: 'cmd-link-0002' }) });
    await expect.poll(() => edge.results().map((r) => [r.jti, r.result.ok]), { timeout: 5000 }).toEqual([
      ['cmd-link-0001', true],
      ['cmd-link-0002', true],
    ]);
    await expect.poll(() => edge.events().map((e) => [e.agentServiceId, e.status]), { timeout: 5000 }).toContainEqual(['s1', 'running']);
    await expect.poll(() => edge.frames.some((f) => f.type === 'agent:heartbeat'), { timeout: 3000 }).toBe(true);
  });

  it('reconnects after the socket drops, reports lastSeq and answers a redelivery from the store', async () => {
    const { edge, keys, agent, docker, stateFile } = await setup();
    await expect.poll(() => agent.connection.state, { timeout: 5000 }).toBe('ready');
    const jws = await signCommand(keys, ensureNet, { aud: AGENT, seq: 7, jti: 'cmd-link-0007' });
    edge.send({ type: 'edge:command', jws });
    await expect.poll(() => edge.results().length, { timeout: 5000 }).toBe(1);
    edge.socket?.terminate();
    await expect.poll(() => edge.hellos.length, { timeout: 5000 }).toBe(2);
    expect(edge.hellos[1]?.lastSeq).toBe(7);
    await expect.poll(() => agent.connection.state, { timeout: 5000 }).toBe('ready');
    edge.send({ type: 'edge:command', jws });
    await expect.poll(() => edge.results().length, { timeout: 5000 }).toBe(2);
    expect(edge.results()[1]).toMatchObject({ jti: 'cmd-link-0007', replayed: true, result: { ok: true } });
    expect(docker.calls.filter((c) => c.op === 'createNetwork')).toHaveLength(1);
    expect((await stateFile.load())?.lastSeq).toBe(7);
  });

  it('closes with 1008 on an invalid frame and comes back', async () => {
    const { edge, agent } = await setup();
    await expect.poll(() => agent.connection.state, { timeout: 5000 }).toBe('ready');
    edge.send({ type: 'edge:exec', cmd: 'rm -rf /' });
    await expect.poll(() => edge.closes, { timeout: 5000 }).toContain(1008);
    await expect.poll(() => edge.hellos.length, { timeout: 5000 }).toBe(2);
  });

  it('ignores a command signed by another key', async () => {
    const { edge, agent, docker } = await setup();
    await expect.poll(() => agent.connection.state, { timeout: 5000 }).toBe('ready');
    const mallory = await createTestEdge();
    edge.send({ type: 'edge:command', jws: await signCommand(mallory, ensureNet, { aud: AGENT, seq: 1 }) });
    await new Promise((r) => setTimeout(r, 300));
    expect(edge.results()).toHaveLength(0);
    expect(docker.calls).toHaveLength(0);
  });
});
