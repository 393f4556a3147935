import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { CommandClaims, COMMAND_TYP, EDGE_ISSUER, EdgeMessage, EnrollResponse, HELLO_TYP, RESULT_TYP, EVENTS_TYP, type CommandResult, type AgentEvent } from '@berth/protocol';
import type { Harness } from '../support/harness.ts';
import type { AgentSession } from '../../src/agents/agent-session.ts';

/**
 * A protocol-level stand-in for a node agent, driving the edge's real AgentSession in-process:
 * it enrolls through the real HTTP route, signs hellos/results/events with its own Ed25519 key and
 * verifies every command with the pinned edge key. Docker is not involved (the swarm suites use the
 * real agent).
 */
export class FakeAgent {
  /** Commands for services, networks, secrets and logs, in arrival order. */
  readonly received: CommandClaims[] = [];
  /** `reconcile` commands (sent on every handshake and periodically), kept apart. */
  readonly reconciles: CommandClaims[] = [];
  /** The seq of every command (reconciles included), in arrival order. */
  readonly seqs: number[] = [];
  readonly frames: EdgeMessage[] = [];
  #accepting: Promise<void> = Promise.resolve();
  closedWith: { code: number; reason: string } | undefined;
  session: AgentSession | undefined;

  private constructor(
    readonly h: Harness,
    readonly agentId: string,
    readonly clusterId: string,
    private readonly key: CryptoKey,
    private readonly edgeKey: CryptoKey,
  ) {}

  static async enroll(h: Harness, joinToken: string): Promise<FakeAgent> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    const res = await h.call('POST', '/api/v1/agents/enroll', {
      body: { token: joinToken, publicKeyJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, hostname: 'fake', swarmNodeId: 'node-1', agentVersion: 'test' },
    });
    if (res.status !== 201) throw new Error(`enroll: ${res.status} ${await res.text()}`);
    const enrolled = EnrollResponse.parse(await res.json());
    if ((await calculateJwkThumbprint(enrolled.edgePublicKeyJwk, 'sha256')) !== joinToken.split('.')[2]) throw new Error('edge key does not match the pin');
    const edgeKey = await importJWK(enrolled.edgePublicKeyJwk, 'EdDSA');
    if (edgeKey instanceof Uint8Array) throw new Error('expected a public key');
    return new FakeAgent(h, enrolled.agentId, enrolled.clusterId, privateKey, edgeKey);
  }

  /** Opens a socket session; `proofNonce`/`signWith` let a test sign the hello wrongly, `lastSeq` is the replay state it reports. */
  async connect(opts: { proofNonce?: (nonce: string) => string; signWith?: CryptoKey; lastSeq?: number } = {}): Promise<void> {
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const pending: Promise<void>[] = [];
    this.closedWith = undefined;
    this.session = this.h.agents.open({
      send: (text) => {
        const frame = EdgeMessage.parse(JSON.parse(text));
        this.frames.push(frame);
        if (frame.type === 'edge:challenge') {
          const nonce = opts.proofNonce ? opts.proofNonce(frame.nonce) : frame.nonce;
          pending.push(
            this.sign(HELLO_TYP, { nonce, exp: Math.floor(Date.now() / 1000) + 30 }, opts.signWith).then((proof) =>
              this.session?.message(JSON.stringify({ type: 'agent:hello', agentId: this.agentId, proof, version: 'test', lastSeq: opts.lastSeq ?? 0, swarmNodeId: 'node-1' })),
            ),
          );
        }
        if (frame.type === 'edge:welcome') resolveReady();
        // Verified one after another, like the real agent's ordered processor: WebCrypto may
        // finish two verifications out of order, and `received` is the order frames arrived in.
        if (frame.type === 'edge:command') {
          const accepted = this.#accepting.then(() => this.accept(frame.jws));
          this.#accepting = accepted.catch(() => undefined);
          pending.push(accepted);
        }
      },
      close: (code, reason) => {
        this.closedWith = { code, reason };
        resolveReady();
      },
    });
    await ready;
    await Promise.all(pending);
  }

  disconnect() {
    this.session?.closed();
  }

  private async accept(jws: string) {
    const { payload } = await jwtVerify(jws, this.edgeKey, { algorithms: ['EdDSA'], typ: COMMAND_TYP, issuer: EDGE_ISSUER, audience: this.agentId });
    const claims = CommandClaims.parse(payload);
    this.seqs.push(claims.seq);
    (claims.cmd.kind === 'reconcile' ? this.reconciles : this.received).push(claims);
  }

  async reply(claims: CommandClaims, result: CommandResult = { ok: true, data: {} }) {
    const jws = await this.sign(RESULT_TYP, { jti: claims.jti, seq: claims.seq, result });
    await this.session?.message(JSON.stringify({ type: 'agent:result', jws }));
  }

  async report(events: AgentEvent[]) {
    const jws = await this.sign(EVENTS_TYP, { jti: crypto.randomUUID(), events });
    await this.session?.message(JSON.stringify({ type: 'agent:events', jws }));
  }

  private sign(typ: string, claims: Record<string, unknown>, key = this.key) {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.agentId, aud: EDGE_ISSUER, iat, ...claims }).setProtectedHeader({ alg: 'EdDSA', typ, kid: this.agentId }).sign(key);
  }
}
