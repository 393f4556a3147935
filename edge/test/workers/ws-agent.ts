import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import WebSocket from 'ws';
import { CommandClaims, COMMAND_TYP, EDGE_ISSUER, EdgeMessage, EnrollResponse, HELLO_TYP, RESULT_TYP, type CommandResult } from '@berth/protocol';

/**
 * A protocol-level agent over a real WebSocket, for tests against the Worker: enrolls over HTTP,
 * answers the challenge, verifies every command with the pinned edge key and answers it. It sends
 * no heartbeats, so the cluster's Durable Object can go idle and hibernate while it stays connected.
 */
export class WsAgent {
  readonly commands: CommandClaims[] = [];
  closedWith: { code: number; reason: string } | undefined;
  #ws: WebSocket | undefined;
  #waiters: (() => void)[] = [];

  private constructor(
    readonly agentId: string,
    readonly clusterId: string,
    readonly connectUrl: string,
    private readonly key: CryptoKey,
    private readonly edgeKey: CryptoKey,
  ) {}

  static async enroll(baseUrl: string, joinToken: string): Promise<WsAgent> {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    const res = await fetch(`${baseUrl}/api/v1/agents/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: joinToken, publicKeyJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, hostname: 'ws-agent', swarmNodeId: 'node-1', agentVersion: 'test' }),
    });
    if (res.status !== 201) throw new Error(`enroll: ${res.status} ${await res.text()}`);
    const enrolled = EnrollResponse.parse(await res.json());
    if ((await calculateJwkThumbprint(enrolled.edgePublicKeyJwk, 'sha256')) !== joinToken.split('.')[2]) throw new Error('edge key does not match the pin');
    const edgeKey = await importJWK(enrolled.edgePublicKeyJwk, 'EdDSA');
    if (edgeKey instanceof Uint8Array) throw new Error('expected a public key');
    return new WsAgent(enrolled.agentId, enrolled.clusterId, enrolled.connectUrl, privateKey, edgeKey);
  }

  /** Connects and resolves once welcomed. `as` sends a hello for another agent id. */
  connect(opts: { url?: string; as?: string } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(opts.url ?? this.connectUrl);
      this.#ws = ws;
      this.closedWith = undefined;
      ws.on('message', (data) => {
        const frame = EdgeMessage.parse(JSON.parse(data.toString()));
        if (frame.type === 'edge:challenge') {
          void this.#sign(HELLO_TYP, { nonce: frame.nonce, exp: Math.floor(Date.now() / 1000) + 30 }).then((proof) =>
            ws.send(JSON.stringify({ type: 'agent:hello', agentId: opts.as ?? this.agentId, proof, version: 'test', lastSeq: 0, swarmNodeId: 'node-1' })),
          );
        }
        if (frame.type === 'edge:welcome') resolve();
        if (frame.type === 'edge:command') void this.#accept(frame.jws);
      });
      ws.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        reject(new Error(`closed before welcome: ${code} ${reason.toString()}`));
        this.#wake();
      });
      ws.on('error', reject);
    });
  }

  /** Resolves when a command matching `pred` has arrived (answered ok already). */
  async waitForCommand(pred: (c: CommandClaims) => boolean, timeoutMs = 30_000): Promise<CommandClaims> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.commands.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching command in ${timeoutMs} ms; got ${this.commands.map((c) => c.cmd.kind).join(', ')}`);
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        setTimeout(r, 500);
      });
    }
  }

  close() {
    this.#ws?.close(1000, 'done');
  }

  async #accept(jws: string) {
    const { payload } = await jwtVerify(jws, this.edgeKey, { algorithms: ['EdDSA'], typ: COMMAND_TYP, issuer: EDGE_ISSUER, audience: this.agentId });
    const claims = CommandClaims.parse(payload);
    this.commands.push(claims);
    const result: CommandResult = { ok: true, data: {} };
    this.#ws?.send(JSON.stringify({ type: 'agent:result', jws: await this.#sign(RESULT_TYP, { jti: claims.jti, seq: claims.seq, result }) }));
    this.#wake();
  }

  #wake() {
    for (const w of this.#waiters.splice(0)) w();
  }

  #sign(typ: string, claims: Record<string, unknown>) {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.agentId, aud: EDGE_ISSUER, iat, ...claims }).setProtectedHeader({ alg: 'EdDSA', typ, kid: this.agentId }).sign(this.key);
  }
}
