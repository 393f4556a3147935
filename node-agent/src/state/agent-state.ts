import { z } from 'zod';
import { CommandResult, Ed25519PublicJwk } from '@berth/protocol';

/** The agent's own Ed25519 key pair as a private JWK (never leaves the state file). */
export const PrivateEd25519Jwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(43).max(43),
  d: z.string().min(43).max(43),
});
export type PrivateEd25519Jwk = z.infer<typeof PrivateEd25519Jwk>;

/** A command the agent applied, kept so a redelivery is answered with the same result. */
export const AppliedCommand = z.object({ jti: z.string(), seq: z.number().int(), at: z.number().int(), result: CommandResult });
export type AppliedCommand = z.infer<typeof AppliedCommand>;

/** Everything the agent persists between runs (file mode 0600). */
export const AgentState = z.object({
  version: z.literal(1),
  agentId: z.string().min(1),
  clusterId: z.string().min(1),
  /** Base URL of the edge used at enrollment. */
  edgeUrl: z.string().url(),
  /** WebSocket URL of the agent socket. */
  connectUrl: z.string().url(),
  privateKeyJwk: PrivateEd25519Jwk,
  /** The edge command-signing key, pinned at enrollment by the join-token thumbprint. */
  edgePublicKeyJwk: Ed25519PublicJwk,
  edgeKid: z.string().min(1),
  /** Highest command seq applied. */
  lastSeq: z.number().int().nonnegative(),
  /** Recently applied commands (bounded, oldest first). */
  applied: z.array(AppliedCommand),
});
export type AgentState = z.infer<typeof AgentState>;
