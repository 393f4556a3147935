import { z } from 'zod';

/** A compact JWS (`header.payload.signature`, base64url). */
export const CompactJws = z
  .string()
  .max(2_000_000)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/, 'not a compact JWS');
/** Parsed value of {@link CompactJws}. */
export type CompactJws = z.infer<typeof CompactJws>;

/**
 * Frames the agent sends on the socket. `agent:hello` answers `edge:challenge`; nothing else may be
 * sent before `edge:welcome`.
 */
export const AgentMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('agent:hello'),
    agentId: z.string().min(1).max(128),
    /** JWS (typ `HELLO_TYP`, claims `HelloClaims`) over the challenge nonce, signed by the agent key. */
    proof: CompactJws,
    /** Agent software version. */
    version: z.string().max(64),
    /** Highest command `seq` the agent has applied; the edge re-sends unacknowledged commands above it. */
    lastSeq: z.number().int().nonnegative(),
    swarmNodeId: z.string().max(128),
  }),
  z.object({ type: z.literal('agent:heartbeat'), at: z.number().int() }),
  /** A result JWS (typ `RESULT_TYP`, claims `ResultClaims`). */
  z.object({ type: z.literal('agent:result'), jws: CompactJws }),
  /** An event batch JWS (typ `EVENTS_TYP`, claims `EventsClaims`). */
  z.object({ type: z.literal('agent:events'), jws: CompactJws }),
]);
/** Parsed value of {@link AgentMessage}. */
export type AgentMessage = z.infer<typeof AgentMessage>;

/** Frames the edge sends on the socket. */
export const EdgeMessage = z.discriminatedUnion('type', [
  /** First frame after the socket opens. */
  z.object({ type: z.literal('edge:challenge'), nonce: z.string().min(16).max(256) }),
  z.object({
    type: z.literal('edge:welcome'),
    agentId: z.string(),
    clusterId: z.string(),
    /** How often the agent sends `agent:heartbeat`. */
    heartbeatIntervalMs: z.number().int().min(1000).max(300_000),
  }),
  /** A command JWS (typ `COMMAND_TYP`, claims `CommandClaims`). */
  z.object({ type: z.literal('edge:command'), jws: CompactJws }),
  /** Sent before the edge closes the socket on a protocol or authentication failure. */
  z.object({ type: z.literal('edge:error'), code: z.string().max(64), message: z.string().max(1024) }),
]);
/** Parsed value of {@link EdgeMessage}. */
export type EdgeMessage = z.infer<typeof EdgeMessage>;

/** WebSocket close code for a frame that fails validation (policy violation). */
export const CLOSE_POLICY_VIOLATION = 1008;
