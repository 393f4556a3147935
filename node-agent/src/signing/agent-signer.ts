import { importJWK, SignJWT, type CryptoKey } from 'jose';
import {
  EDGE_ISSUER,
  EVENTS_TYP,
  HELLO_TYP,
  MAX_HELLO_AGE_S,
  RESULT_TYP,
  SIGNING_ALG,
  type AgentEvent,
  type CommandResult,
} from '@berth/protocol';
import type { PrivateEd25519Jwk } from '../state/agent-state.ts';

/** Seconds since the epoch, from an injectable clock. */
export type Clock = () => number;
/** The real clock, in ms. */
export const systemClock: Clock = () => Date.now();

/** Signs what the agent sends: hello proofs, command results and event batches (EdDSA, `kid` = agentId). */
export class AgentSigner {
  readonly agentId: string;
  readonly #key: CryptoKey;
  readonly #clock: Clock;

  private constructor(agentId: string, key: CryptoKey, clock: Clock) {
    this.agentId = agentId;
    this.#key = key;
    this.#clock = clock;
  }

  /** Imports the agent's private JWK. */
  static async create(agentId: string, privateJwk: PrivateEd25519Jwk, clock: Clock = systemClock): Promise<AgentSigner> {
    const key = await importJWK(privateJwk, SIGNING_ALG);
    if (key instanceof Uint8Array) throw new TypeError('expected an asymmetric key');
    return new AgentSigner(agentId, key, clock);
  }

  #now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  #sign(typ: string, payload: Record<string, unknown>): Promise<string> {
    return new SignJWT(payload).setProtectedHeader({ alg: SIGNING_ALG, typ, kid: this.agentId }).sign(this.#key);
  }

  /** The `agent:hello` proof over the edge's challenge nonce. */
  hello(nonce: string): Promise<string> {
    const iat = this.#now();
    return this.#sign(HELLO_TYP, { iss: this.agentId, aud: EDGE_ISSUER, nonce, iat, exp: iat + MAX_HELLO_AGE_S });
  }

  /** A signed command result echoing the command's jti and seq. */
  result(jti: string, seq: number, result: CommandResult, replayed = false): Promise<string> {
    return this.#sign(RESULT_TYP, { iss: this.agentId, aud: EDGE_ISSUER, jti, seq, iat: this.#now(), result, ...(replayed ? { replayed } : {}) });
  }

  /** A signed batch of events; `jti` is the batch id. */
  events(jti: string, events: readonly AgentEvent[]): Promise<string> {
    return this.#sign(EVENTS_TYP, { iss: this.agentId, aud: EDGE_ISSUER, jti, iat: this.#now(), events });
  }
}
