import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { COMMAND_TYP, commandSubject, EDGE_ISSUER, type Command } from '@berth/protocol';
import { PrivateEd25519Jwk } from '../../src/state/agent-state.ts';

/** An Ed25519 key pair standing in for the edge (tests only). */
export interface TestEdge {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

/** A fresh edge key pair. */
export async function createTestEdge(): Promise<TestEdge> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return { publicKey, privateKey };
}

/** A fresh agent private JWK. */
export async function createAgentJwk(): Promise<PrivateEd25519Jwk> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return PrivateEd25519Jwk.parse(await exportJWK(privateKey));
}

/** Claims a test may override when signing a command. */
export interface SignOptions {
  aud: string;
  seq: number;
  jti?: string;
  iat?: number;
  exp?: number;
  iss?: string;
  sub?: string;
  typ?: string;
  key?: CryptoKey;
}

/** Signs a command the way the edge does (EdDSA, typ berth-command+jwt, 60 s lifetime). */
export async function signCommand(edge: TestEdge, cmd: Command, o: SignOptions): Promise<string> {
  const iat = o.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: o.iss ?? EDGE_ISSUER,
    aud: o.aud,
    sub: o.sub ?? commandSubject(cmd),
    jti: o.jti ?? `cmd-${randomUUID()}`,
    seq: o.seq,
    iat,
    exp: o.exp ?? iat + 60,
    cmd,
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: o.typ ?? COMMAND_TYP })
    .sign(o.key ?? edge.privateKey);
}

/** Replaces one character of a JWS payload so the signature no longer matches. */
export function tamper(jws: string): string {
  const [h, p, s] = jws.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a JWS');
  const i = Math.floor(p.length / 2);
  const swapped = p[i] === 'A' ? 'B' : 'A';
  return `${h}.${p.slice(0, i)}${swapped}${p.slice(i + 1)}.${s}`;
}
