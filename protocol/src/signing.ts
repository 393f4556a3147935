import { z } from 'zod';
import { Command, CommandResult, commandSubject } from './commands.ts';
import { AgentEvent } from './events.ts';

/** JWS `typ` header of an edge → agent command. */
export const COMMAND_TYP = 'berth-command+jwt';
/** JWS `typ` header of an agent → edge command result. */
export const RESULT_TYP = 'berth-result+jwt';
/** JWS `typ` header of an agent → edge event batch. */
export const EVENTS_TYP = 'berth-events+jwt';
/** JWS `typ` header of the agent's proof of key possession in `agent:hello`. */
export const HELLO_TYP = 'berth-hello+jwt';
/** `iss` of edge-signed commands and `aud` of everything agents sign. */
export const EDGE_ISSUER = 'berth-edge';
/** The one signing algorithm (Ed25519); verifiers pin it. */
export const SIGNING_ALG = 'EdDSA';
/** Longest a command stays valid: `exp - iat` ≤ this, and verifiers use it as max token age. */
export const MAX_COMMAND_AGE_S = 60;
/** Longest a hello proof stays valid. */
export const MAX_HELLO_AGE_S = 60;
/** Clock skew tolerated by verifiers. */
export const CLOCK_TOLERANCE_S = 5;

const Jti = z.string().min(8).max(128);
const Seconds = z.number().int().nonnegative();

/**
 * Claims of an edge-signed command (typ `COMMAND_TYP`). `jti` is the command id and idempotency key;
 * `seq` increases by at least one for every new command to the same agent (redeliveries keep theirs).
 */
export const CommandClaims = z
  .object({
    iss: z.literal(EDGE_ISSUER),
    /** The target agent's id. */
    aud: z.string().min(1),
    /** The tenant the command acts for, or `'*'` for `reconcile`. */
    sub: z.string().min(1),
    jti: Jti,
    seq: z.number().int().min(1),
    iat: Seconds,
    exp: Seconds,
    cmd: Command,
  })
  .refine((c) => c.exp > c.iat && c.exp - c.iat <= MAX_COMMAND_AGE_S, `exp must be within ${MAX_COMMAND_AGE_S}s after iat`)
  .refine((c) => c.sub === commandSubject(c.cmd), 'sub must name the tenant of the command');
/** Parsed value of {@link CommandClaims}. */
export type CommandClaims = z.infer<typeof CommandClaims>;

/** Claims of an agent-signed command result (typ `RESULT_TYP`); `jti`/`seq` echo the command's. */
export const ResultClaims = z.object({
  /** The agent's id. */
  iss: z.string().min(1),
  aud: z.literal(EDGE_ISSUER),
  jti: Jti,
  seq: z.number().int().min(1),
  iat: Seconds,
  /** True when this answers a redelivered command from the agent's result store (not re-executed). */
  replayed: z.boolean().optional(),
  result: CommandResult,
});
/** Parsed value of {@link ResultClaims}. */
export type ResultClaims = z.infer<typeof ResultClaims>;

/** Claims of an agent-signed event batch (typ `EVENTS_TYP`); `jti` is the batch id. */
export const EventsClaims = z.object({
  iss: z.string().min(1),
  aud: z.literal(EDGE_ISSUER),
  jti: Jti,
  iat: Seconds,
  events: z.array(AgentEvent).min(1).max(500),
});
/** Parsed value of {@link EventsClaims}. */
export type EventsClaims = z.infer<typeof EventsClaims>;

/** Claims of the agent's hello proof (typ `HELLO_TYP`): it signs the edge's challenge nonce. */
export const HelloClaims = z
  .object({
    iss: z.string().min(1),
    aud: z.literal(EDGE_ISSUER),
    nonce: z.string().min(16).max(256),
    iat: Seconds,
    exp: Seconds,
  })
  .refine((c) => c.exp > c.iat && c.exp - c.iat <= MAX_HELLO_AGE_S, `exp must be within ${MAX_HELLO_AGE_S}s after iat`);
/** Parsed value of {@link HelloClaims}. */
export type HelloClaims = z.infer<typeof HelloClaims>;
