import { z } from 'zod';
import { PlacementLabelKey, VolumeDriverName } from '@berth/protocol';
import { ConfigError } from './errors.ts';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''));

/** Agent configuration; the only place that reads `process.env`. */
export const AgentConfig = z.object({
  /** Directory of the agent state file (key pair, ids, pinned edge key, replay state). */
  BERTH_AGENT_STATE_DIR: z.string().min(1).default('/var/lib/berth-agent'),
  /** Docker Engine socket path. */
  DOCKER_SOCKET: z.string().min(1).default('/var/run/docker.sock'),
  /** Image sources tenant services may use (comma-separated registry hosts or namespaces). */
  BERTH_ALLOWED_REGISTRIES: csv.pipe(z.array(z.string()).min(1)).default(['docker.io']),
  /** Whether tenant services may be pinned onto Swarm managers (the edge's cluster default is also false). */
  BERTH_ALLOW_MANAGER_PLACEMENT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Node label keys tenant placement constraints may use (`node.labels.<key>`), comma-separated; none by default. */
  BERTH_ALLOWED_PLACEMENT_LABELS: csv.pipe(z.array(PlacementLabelKey).max(50)).default([]),
  /** The volume driver tenant volumes use, always without driver options. */
  BERTH_VOLUME_DRIVER: VolumeDriverName.default('local'),
  /** Log level. */
  BERTH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Heartbeat period in ms unless the edge says otherwise in `edge:welcome`. */
  BERTH_HEARTBEAT_MS: z.coerce.number().int().min(1000).max(300_000).default(5000),
  /** Longest reconnect backoff in ms. */
  BERTH_RECONNECT_MAX_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Forced-exit backstop after SIGTERM, in ms. */
  BERTH_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

/** Reads and validates the agent configuration from an environment map. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const parsed = AgentConfig.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError('CONFIG_INVALID', `invalid agent configuration: ${fields}`);
  }
  return parsed.data;
}
