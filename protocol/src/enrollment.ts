import { z } from 'zod';

const B64url = /^[A-Za-z0-9_-]+$/;

/** An Ed25519 public key as a JWK (RFC 8037). Strict: a private `d` member is refused. */
export const Ed25519PublicJwk = z.strictObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().length(43).regex(B64url),
  kid: z.string().max(128).optional(),
  alg: z.literal('EdDSA').optional(),
  use: z.literal('sig').optional(),
});
/** Parsed value of {@link Ed25519PublicJwk}. */
export type Ed25519PublicJwk = z.infer<typeof Ed25519PublicJwk>;

/**
 * A cluster join token: `bj1.<random>.<edge key thumbprint>`. `<random>` is the one-time secret
 * (base64url, ≥ 22 chars); the thumbprint is the RFC 7638 SHA-256 thumbprint (base64url, 43 chars)
 * of the edge's command-signing key. The agent refuses to enroll when the edge presents a key with
 * another thumbprint (pinned; no trust on first use).
 */
export const JoinToken = z.string().regex(/^bj1\.[A-Za-z0-9_-]{22,128}\.[A-Za-z0-9_-]{43}$/, 'not a Berth join token (bj1.<secret>.<thumbprint>)');
/** Parsed value of {@link JoinToken}. */
export type JoinToken = z.infer<typeof JoinToken>;

/** Splits a join token into its secret and the pinned edge-key thumbprint; undefined when malformed. */
export function parseJoinToken(token: string): { secret: string; edgeKeyThumbprint: string } | undefined {
  if (!JoinToken.safeParse(token).success) return undefined;
  const [, secret, edgeKeyThumbprint] = token.split('.');
  if (secret === undefined || edgeKeyThumbprint === undefined) return undefined;
  return { secret, edgeKeyThumbprint };
}

/** Path of the enrollment endpoint on the edge (POST, JSON body `EnrollRequest`). */
export const ENROLL_PATH = '/api/v1/agents/enroll';

/** Body the agent POSTs to `ENROLL_PATH`. */
export const EnrollRequest = z.strictObject({
  token: JoinToken,
  publicKeyJwk: Ed25519PublicJwk,
  hostname: z.string().min(1).max(253),
  swarmNodeId: z.string().min(1).max(128),
  agentVersion: z.string().min(1).max(64),
});
/** Parsed value of {@link EnrollRequest}. */
export type EnrollRequest = z.infer<typeof EnrollRequest>;

/** The edge's answer to a valid enrollment; the join token is consumed. */
export const EnrollResponse = z.object({
  agentId: z.string().min(1).max(128),
  clusterId: z.string().min(1).max(128),
  /** The edge's command-signing key; its thumbprint must equal the join token's. */
  edgePublicKeyJwk: Ed25519PublicJwk,
  edgeKid: z.string().min(1).max(128),
  /** `ws://` or `wss://` URL of the agent socket. */
  connectUrl: z.url({ protocol: /^wss?$/ }),
});
/** Parsed value of {@link EnrollResponse}. */
export type EnrollResponse = z.infer<typeof EnrollResponse>;
