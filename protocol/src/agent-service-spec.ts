import { z } from 'zod';

/**
 * A DNS label of at most 40 characters: lower-case letters, digits and inner dashes.
 * Used for agent service names, which become part of Swarm service names and DNS aliases.
 */
export const DnsLabel = z
  .string()
  .max(40)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'use lower-case letters, digits and inner dashes (a DNS label)');
/** Parsed value of {@link DnsLabel}. */
export type DnsLabel = z.infer<typeof DnsLabel>;

/**
 * An image reference as Docker accepts it: `[host[:port]/]path[:tag][@digest]`.
 * Lower-case path components; see `imageRegistryPath` in admission.ts for how it maps to a registry.
 */
export const ImageRef = z
  .string()
  .min(1)
  .max(512)
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    'use a Docker image reference such as registry.example.com/team/app:1.2',
  );
/** Parsed value of {@link ImageRef}. */
export type ImageRef = z.infer<typeof ImageRef>;

/** An environment variable name (POSIX portable). */
export const EnvKey = z.string().max(256).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'use letters, digits and underscores, not starting with a digit');

/** A tenant secret name as the tenant knows it (not the Swarm object name). */
export const SecretName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1–64 letters, digits, dots, dashes or underscores');

/** Container health check, in the Docker HEALTHCHECK sense; durations in seconds. */
export const HealthcheckSpec = z.strictObject({
  /** e.g. `['CMD', 'wget', '-q', '-O-', 'http://127.0.0.1:8080/health']` or `['CMD-SHELL', '...']`. */
  test: z.array(z.string().max(4096)).min(1).max(64),
  intervalS: z.number().int().min(1).max(3600).default(30),
  timeoutS: z.number().int().min(1).max(3600).default(10),
  retries: z.number().int().min(0).max(100).default(3),
  startPeriodS: z.number().int().min(0).max(3600).default(0),
});
/** Parsed value of {@link HealthcheckSpec}. */
export type HealthcheckSpec = z.infer<typeof HealthcheckSpec>;

/** CPU (cores) and memory (MiB) hard limits of each replica. */
export const ResourceLimits = z.strictObject({
  cpu: z.number().min(0.01).max(64),
  memoryMb: z.number().int().min(4).max(262_144),
});
/** Parsed value of {@link ResourceLimits}. */
export type ResourceLimits = z.infer<typeof ResourceLimits>;

/** Size of a tmpfs that names none: 64 MiB, or the replica's memory limit when that is smaller. */
export const TMPFS_DEFAULT_MB = 64;
/** Largest tmpfs the schema accepts; admission further caps each tmpfs at the replica's memory limit. */
export const TMPFS_MAX_MB = 1024;

/**
 * A mount request. Accepted by the schema so that the admission policy can refuse the forbidden
 * forms (bind mounts in any disguise, the Docker socket, volume drivers and driver options) with a
 * precise reason. Admitted: a named volume on the cluster's volume driver, and a tmpfs of `sizeMb`.
 */
export const MountSpec = z.strictObject({
  type: z.enum(['volume', 'bind', 'tmpfs']),
  source: z.string().max(4096).optional(),
  target: z.string().min(1).max(4096).regex(/^\//, 'use an absolute container path'),
  readOnly: z.boolean().optional(),
  /** tmpfs only: its size in MiB (default {@link TMPFS_DEFAULT_MB}, at most the replica's memory limit). */
  sizeMb: z.number().int().min(1).max(TMPFS_MAX_MB).optional(),
  volumeOptions: z
    .strictObject({
      driver: z.string().max(256).optional(),
      driverOptions: z.record(z.string().max(256), z.string().max(4096)).optional(),
    })
    .optional(),
});
/** Parsed value of {@link MountSpec}. */
export type MountSpec = z.infer<typeof MountSpec>;

/** A port request; admission refuses every form because Swarm always publishes endpoint ports. */
export const PortSpec = z.strictObject({
  target: z.number().int().min(1).max(65_535),
  published: z.number().int().min(1).max(65_535).optional(),
  protocol: z.enum(['tcp', 'udp', 'sctp']).optional(),
  mode: z.enum(['ingress', 'host']).optional(),
});
/** Parsed value of {@link PortSpec}. */
export type PortSpec = z.infer<typeof PortSpec>;

/**
 * What a tenant asks Berth to run. Strict: unknown keys are refused.
 *
 * The fields after `healthcheck` exist so that admission can explain a refusal precisely;
 * a spec that sets any of them to a non-empty / non-default value is refused by `checkAdmission`.
 */
export const AgentServiceSpec = z.strictObject({
  name: DnsLabel,
  image: ImageRef,
  /** Overrides the image's command (argv, not a shell string). */
  command: z.array(z.string().max(8192)).min(1).max(256).optional(),
  env: z.record(EnvKey, z.string().max(32_768)).default({}),
  /** Names of tenant secrets to expose as files under /run/secrets. */
  secrets: z.array(SecretName).max(64).default([]),
  replicas: z.number().int().min(0).max(100),
  limits: ResourceLimits,
  healthcheck: HealthcheckSpec.optional(),

  mounts: z.array(MountSpec).max(32).optional(),
  ports: z.array(PortSpec).max(32).optional(),
  capAdd: z.array(z.string().max(64)).max(64).optional(),
  devices: z.array(z.string().max(4096)).max(64).optional(),
  sysctls: z.record(z.string().max(256), z.string().max(4096)).optional(),
  privileged: z.boolean().optional(),
  networkMode: z.string().max(256).optional(),
  pidMode: z.string().max(256).optional(),
  ipcMode: z.string().max(256).optional(),
  placement: z.strictObject({ constraints: z.array(z.string().max(512)).max(32) }).optional(),
});
/** Parsed value of {@link AgentServiceSpec}. */
export type AgentServiceSpec = z.infer<typeof AgentServiceSpec>;
/** The accepted input shape of an AgentServiceSpec (defaults not yet applied). */
export type AgentServiceSpecInput = z.input<typeof AgentServiceSpec>;
