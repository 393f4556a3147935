import { z } from 'zod';
import { AgentServiceSpec, SecretName } from './agent-service-spec.ts';
import { Violation } from './admission.ts';

/** A Berth object id as it appears in commands and Docker labels (ULID, UUID, nanoid…). */
export const ObjectId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'use 1–64 letters, digits, dashes or underscores');

/** A Swarm network or secret object name. */
export const SwarmObjectName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'use 1–64 letters, digits, dots, dashes or underscores');

/**
 * Hash of the desired state the edge computed for an upsert (e.g. hex SHA-256 over the canonical
 * JSON of `{spec, network, secrets}`). The agent stores it as the `berth.spec-hash` label and treats
 * an equal hash as "nothing to do".
 */
export const SpecHash = z.string().regex(/^[A-Za-z0-9:_-]{8,128}$/);

/** A tenant secret mapped onto its Swarm secret object and its file name under /run/secrets. */
export const ServiceSecretRef = z.strictObject({
  name: SecretName,
  /** Swarm secret object name; must carry the label `berth.tenant` of the same tenant. */
  swarmName: SwarmObjectName,
  /** File name under /run/secrets (no slashes). */
  target: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/).refine((t) => t !== '.' && t !== '..', 'not a file name'),
});
/** Parsed value of {@link ServiceSecretRef}. */
export type ServiceSecretRef = z.infer<typeof ServiceSecretRef>;

/** The desired state of one agent service: what `service.create`/`service.update`/`reconcile` carry. */
export const ServiceUpsert = z.strictObject({
  tenantId: ObjectId,
  agentServiceId: ObjectId,
  spec: AgentServiceSpec,
  specHash: SpecHash,
  /** The tenant's overlay network (created by `network.ensure`); the only network the service joins. */
  network: SwarmObjectName,
  secrets: z.array(ServiceSecretRef).max(64).default([]),
});
/** Parsed value of {@link ServiceUpsert}. */
export type ServiceUpsert = z.infer<typeof ServiceUpsert>;

const ServiceTarget = { tenantId: ObjectId, agentServiceId: ObjectId };

/** One desired service inside a `reconcile` command. */
export const ReconcileEntry = z.strictObject({
  tenantId: ObjectId,
  agentServiceId: ObjectId,
  specHash: SpecHash,
  desired: ServiceUpsert,
}).refine(
  (e) => e.tenantId === e.desired.tenantId && e.agentServiceId === e.desired.agentServiceId && e.specHash === e.desired.specHash,
  'tenantId, agentServiceId and specHash must match the desired payload',
);
/** Parsed value of {@link ReconcileEntry}. */
export type ReconcileEntry = z.infer<typeof ReconcileEntry>;

/**
 * A command from the edge to one agent. `service.create` and `service.update` are both upserts.
 * `reconcile` carries the complete desired set of the cluster (or of `tenantIds`): Berth-labelled
 * services absent from it are removed. Every kind except `reconcile` names a `tenantId`, which must equal the JWS `sub`.
 */
export const Command = z.discriminatedUnion('kind', [
  ServiceUpsert.extend({ kind: z.literal('service.create') }),
  ServiceUpsert.extend({ kind: z.literal('service.update') }),
  z.strictObject({ kind: z.literal('service.scale'), ...ServiceTarget, replicas: z.number().int().min(0).max(100) }),
  z.strictObject({ kind: z.literal('service.restart'), ...ServiceTarget }),
  z.strictObject({ kind: z.literal('service.remove'), ...ServiceTarget }),
  z.strictObject({ kind: z.literal('network.ensure'), tenantId: ObjectId, name: SwarmObjectName }),
  z.strictObject({
    kind: z.literal('secret.ensure'),
    tenantId: ObjectId,
    name: SecretName,
    /** Swarm secrets are immutable: a new value needs a new name (put a content hash in it). */
    swarmName: SwarmObjectName,
    /**
     * The agent service the secret belongs to. The agent labels the secret with it, so removing
     * the service finds the secret even when a crash already took the service and not the secret.
     */
    agentServiceId: ObjectId.optional(),
    /** Base64 of the secret value; Swarm caps secrets at 500 KiB. */
    valueB64: z.string().max(700_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'use standard base64'),
  }),
  z.strictObject({ kind: z.literal('logs.tail'), ...ServiceTarget, tail: z.number().int().min(1).max(5000) }),
  z
    .strictObject({
      kind: z.literal('reconcile'),
      services: z.array(ReconcileEntry).max(10_000),
      /** When set, only these tenants' services are compared (and pruned); otherwise the whole cluster. */
      tenantIds: z.array(ObjectId).min(1).max(10_000).optional(),
    })
    .refine((c) => c.tenantIds === undefined || c.services.every((s) => c.tenantIds?.includes(s.tenantId)), 'every service must belong to one of tenantIds'),
]);
/** Parsed value of {@link Command}. */
export type Command = z.infer<typeof Command>;
/** The kinds of command. */
export type CommandKind = Command['kind'];
/** The `sub` claim of a `reconcile` command, which spans tenants. */
export const CLUSTER_SUBJECT = '*';

/** The tenant a command acts for (`CLUSTER_SUBJECT` for `reconcile`); must equal the JWS `sub`. */
export function commandSubject(cmd: Command): string {
  return cmd.kind === 'reconcile' ? CLUSTER_SUBJECT : cmd.tenantId;
}

/**
 * Stable error codes of command results besides the `POLICY_*` codes of admission.
 * Consumers must tolerate codes they do not know (newer agents).
 */
export const AgentErrorCode = z.enum([
  'INVALID_COMMAND',
  'NOT_FOUND',
  'CONFLICT',
  'TENANT_MISMATCH',
  'SECRET_NOT_FOUND',
  'NETWORK_NOT_FOUND',
  'DOCKER_UNAVAILABLE',
  'DOCKER_ERROR',
  'INTERNAL',
]);
/** Parsed value of {@link AgentErrorCode}. */
export type AgentErrorCode = z.infer<typeof AgentErrorCode>;

/** The error half of a CommandResult. */
export const CommandError = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(4096),
  /** Present when admission refused the command; `code` is then the first violation's code. */
  violations: z.array(Violation).optional(),
});
/** Parsed value of {@link CommandError}. */
export type CommandError = z.infer<typeof CommandError>;

/** The outcome of one command. Handlers never throw across the socket: every command ends in one of these. */
export const CommandResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.record(z.string(), z.unknown()).optional() }),
  z.object({ ok: z.literal(false), error: CommandError }),
]);
/** Parsed value of {@link CommandResult}. */
export type CommandResult = z.infer<typeof CommandResult>;

/** `data` of a successful `service.create`/`update`/`scale`/`restart`. */
export const ServiceApplyData = z.object({
  swarmServiceId: z.string(),
  swarmServiceName: z.string(),
  /** `created`, `updated`, `unchanged` (same spec hash) for upserts; `updated` for scale/restart. */
  action: z.enum(['created', 'updated', 'unchanged']),
});
/** Parsed value of {@link ServiceApplyData}. */
export type ServiceApplyData = z.infer<typeof ServiceApplyData>;

/** `data` of a successful `service.remove` (`removed: false` when it was already gone). */
export const ServiceRemoveData = z.object({ removed: z.boolean() });
/** Parsed value of {@link ServiceRemoveData}. */
export type ServiceRemoveData = z.infer<typeof ServiceRemoveData>;

/** `data` of a successful `network.ensure` / `secret.ensure`. */
export const EnsureData = z.object({ id: z.string(), created: z.boolean() });
/** Parsed value of {@link EnsureData}. */
export type EnsureData = z.infer<typeof EnsureData>;

/** One log line of `logs.tail`; `ts` is the Docker timestamp (RFC 3339) when present. */
export const LogLine = z.object({ stream: z.enum(['stdout', 'stderr']), ts: z.string().optional(), line: z.string() });
/** Parsed value of {@link LogLine}. */
export type LogLine = z.infer<typeof LogLine>;

/** Budget (UTF-8 bytes of the `lines` JSON) of a `logs.tail` result, so a signed result fits a socket frame. */
export const LOGS_TAIL_MAX_BYTES = 768 * 1024;

/** `data` of a successful `logs.tail`; `truncated` when older lines or long lines were cut to fit. */
export const LogsTailData = z.object({ lines: z.array(LogLine), truncated: z.boolean().optional() });
/** Parsed value of {@link LogsTailData}. */
export type LogsTailData = z.infer<typeof LogsTailData>;

/**
 * What reconcile did (or failed to do) for one service: `missing` (recreated), `hash_mismatch`
 * (spec re-applied), `replicas_mismatch` (same spec, other replica count: scaled back),
 * `duplicate` and `unwanted` (removed).
 */
export const DriftEntry = z.object({
  tenantId: z.string(),
  agentServiceId: z.string(),
  drift: z.enum(['missing', 'hash_mismatch', 'replicas_mismatch', 'unwanted', 'duplicate']),
  repaired: z.boolean(),
  error: CommandError.optional(),
});
/** Parsed value of {@link DriftEntry}. */
export type DriftEntry = z.infer<typeof DriftEntry>;

/** `data` of a `reconcile` (ok even when some repairs failed; see `drift[].error`). */
export const ReconcileData = z.object({ inSync: z.number().int(), drift: z.array(DriftEntry) });
/** Parsed value of {@link ReconcileData}. */
export type ReconcileData = z.infer<typeof ReconcileData>;
