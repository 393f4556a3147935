import { z } from 'zod';
import { TMPFS_MAX_MB } from './agent-service-spec.ts';

/**
 * The exact shape of the Docker Engine ServiceSpec Berth sends: every key `buildServiceSpec`
 * (node-agent/src/docker/service-spec.ts) emits, plus the defaults the engine writes back on
 * inspect (`Isolation: 'default'`, `Runtime: 'container'`), which the agent re-sends on scale and
 * restart. Strict at every level: a key not listed here — including a field Docker adds tomorrow,
 * or a known field spelled in another case — is refused until someone allows it.
 *
 * Values the policy decides (image, networks, volume name and driver, placement, tmpfs size) are
 * only typed here; `checkEngineServiceSpec` checks them against the policy.
 */

const Nanos = z.number().int().min(0).max(86_400 * 1_000_000_000);
const BerthLabels = z.record(z.string().regex(/^berth\.[a-z0-9.-]+$/), z.string().max(4096));
const AbsolutePath = z.string().min(1).max(4096).regex(/^\//);
const Dns = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/).max(63);

const SecretRef = z.strictObject({
  SecretID: z.string().min(1).max(128),
  SecretName: z.string().min(1).max(256),
  File: z.strictObject({ Name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/), UID: z.literal('0'), GID: z.literal('0'), Mode: z.literal(0o400) }),
});

/** Both mount kinds share one shape; which keys each kind may set is checked with the policy. */
const Mount = z.strictObject({
  Type: z.string(),
  Source: z.string().max(4096).optional(),
  Target: AbsolutePath,
  ReadOnly: z.boolean().optional(),
  TmpfsOptions: z.strictObject({ SizeBytes: z.number().int().min(1).max(TMPFS_MAX_MB * 1024 * 1024), Mode: z.literal(0o1777).optional() }).optional(),
  VolumeOptions: z
    .strictObject({
      NoCopy: z.boolean().optional(),
      Labels: BerthLabels.optional(),
      DriverConfig: z.strictObject({ Name: z.string(), Options: z.record(z.string(), z.string()).optional() }).optional(),
    })
    .optional(),
});

const RolloutConfig = z.strictObject({
  Parallelism: z.number().int().min(0).max(100),
  Delay: Nanos.optional(),
  FailureAction: z.enum(['pause', 'continue', 'rollback']),
  Monitor: Nanos.optional(),
  MaxFailureRatio: z.number().min(0).max(1).optional(),
  Order: z.enum(['stop-first', 'start-first']),
});

/** {@link EngineServiceSpecShape}, the allowlisted Engine ServiceSpec. */
export const EngineServiceSpecShape = z.strictObject({
  Name: z.string().max(63).regex(/^berth-[a-z0-9]+(-[a-z0-9]+)*$/),
  Labels: BerthLabels,
  TaskTemplate: z.strictObject({
    ContainerSpec: z.strictObject({
      Image: z.string().max(512),
      Command: z.array(z.string().max(8192)).max(256).optional(),
      Env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/)).max(1024).optional(),
      Init: z.boolean().optional(),
      Labels: BerthLabels.optional(),
      Secrets: z.array(SecretRef).max(64).optional(),
      Mounts: z.array(Mount).max(32).optional(),
      HealthCheck: z
        .strictObject({ Test: z.array(z.string().max(4096)).min(1).max(64), Interval: Nanos.optional(), Timeout: Nanos.optional(), Retries: z.number().int().min(0).max(100).optional(), StartPeriod: Nanos.optional() })
        .optional(),
      StopGracePeriod: Nanos.optional(),
      Isolation: z.literal('default').optional(),
    }),
    Resources: z.strictObject({
      Limits: z.strictObject({ NanoCPUs: z.number().int().min(1).max(64 * 1_000_000_000), MemoryBytes: z.number().int().min(1).max(262_144 * 1024 * 1024) }),
    }),
    RestartPolicy: z.strictObject({ Condition: z.enum(['none', 'on-failure', 'any']), Delay: Nanos.optional(), MaxAttempts: z.number().int().min(0).optional(), Window: Nanos.optional() }),
    Networks: z.array(z.strictObject({ Target: z.string().min(1), Aliases: z.array(Dns).max(8).optional() })).min(1).max(1),
    Placement: z.strictObject({ Constraints: z.array(z.string().max(512)).max(32).optional() }).optional(),
    ForceUpdate: z.number().int().min(0).optional(),
    Runtime: z.literal('container').optional(),
  }),
  Mode: z.strictObject({ Replicated: z.strictObject({ Replicas: z.number().int().min(0).max(100) }) }),
  UpdateConfig: RolloutConfig,
  RollbackConfig: RolloutConfig.extend({ FailureAction: z.enum(['pause', 'continue']) }),
  EndpointSpec: z.strictObject({ Mode: z.literal('vip').optional() }),
});
/** Parsed value of {@link EngineServiceSpecShape}. */
export type EngineServiceSpecShape = z.infer<typeof EngineServiceSpecShape>;
