import { errors, importJWK, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import type { z } from 'zod';
import {
  CLOCK_TOLERANCE_S,
  COMMAND_TYP,
  EDGE_ISSUER,
  EVENTS_TYP,
  EventsClaims,
  HELLO_TYP,
  HelloClaims,
  MAX_COMMAND_AGE_S,
  MAX_HELLO_AGE_S,
  RESULT_TYP,
  ResultClaims,
  SIGNING_ALG,
  commandSubject,
  type Command,
  type Ed25519PublicJwk,
} from '@berth/protocol';
import type { EdgeKey } from './edge-key.ts';

/** A frame from an agent that failed verification; `code` is stable, the message holds no secrets. */
export class AgentFrameRejected extends Error {
  override name = 'AgentFrameRejected';
  constructor(
    readonly code: 'AGENT_SIGNATURE_INVALID' | 'AGENT_CLAIMS_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How long a command is valid after signing. Re-sends are re-signed with the same jti and seq. */
export const COMMAND_TTL_S = 30;

export async function signCommand(key: EdgeKey, args: { agentId: string; jti: string; seq: number; cmd: Command; now: Date }): Promise<string> {
  const iat = Math.floor(args.now.getTime() / 1000);
  return new SignJWT({ iss: EDGE_ISSUER, aud: args.agentId, sub: commandSubject(args.cmd), jti: args.jti, seq: args.seq, iat, exp: iat + Math.min(COMMAND_TTL_S, MAX_COMMAND_AGE_S), cmd: args.cmd })
    .setProtectedHeader({ alg: SIGNING_ALG, typ: COMMAND_TYP, kid: key.kid })
    .sign(key.privateKey);
}

export async function importAgentKey(jwk: Ed25519PublicJwk): Promise<CryptoKey> {
  const key = await importJWK(jwk, SIGNING_ALG);
  if (key instanceof Uint8Array) throw new TypeError('expected an asymmetric key');
  return key;
}

async function verifyAgentJws<S extends z.ZodType>(jws: string, key: CryptoKey, agentId: string, typ: string, schema: S, maxAge: number | undefined, now: Date): Promise<z.infer<S>> {
  let payload: unknown;
  try {
    const verified = await jwtVerify(jws, key, {
      algorithms: [SIGNING_ALG],
      typ,
      issuer: agentId,
      audience: EDGE_ISSUER,
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
      ...(maxAge ? { maxTokenAge: maxAge } : {}),
    });
    payload = verified.payload;
  } catch (err) {
    if (err instanceof errors.JOSEError) throw new AgentFrameRejected('AGENT_SIGNATURE_INVALID', `agent frame refused (${err.code})`, { cause: err });
    throw new AgentFrameRejected('AGENT_SIGNATURE_INVALID', 'agent frame refused', { cause: err });
  }
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AgentFrameRejected('AGENT_CLAIMS_INVALID', 'agent frame claims are invalid', { cause: parsed.error });
  return parsed.data;
}

export const verifyHello = (jws: string, key: CryptoKey, agentId: string, now: Date) => verifyAgentJws(jws, key, agentId, HELLO_TYP, HelloClaims, MAX_HELLO_AGE_S, now);
export const verifyResult = (jws: string, key: CryptoKey, agentId: string, now: Date) => verifyAgentJws(jws, key, agentId, RESULT_TYP, ResultClaims, undefined, now);
export const verifyEvents = (jws: string, key: CryptoKey, agentId: string, now: Date) => verifyAgentJws(jws, key, agentId, EVENTS_TYP, EventsClaims, undefined, now);
