import { z } from 'zod';

/**
 * Stable codes of admission refusals. The agent answers a refused command with the first
 * violation's code; the edge shows all violations with their paths.
 */
export const PolicyViolationCode = z.enum([
  'POLICY_BIND_MOUNT',
  'POLICY_DOCKER_SOCKET',
  'POLICY_PRIVILEGED',
  'POLICY_HOST_NAMESPACE',
  'POLICY_CAPABILITIES',
  'POLICY_DEVICES',
  'POLICY_SYSCTLS',
  'POLICY_PUBLISHED_PORTS',
  'POLICY_MANAGER_PLACEMENT',
  'POLICY_REGISTRY',
  /** A network other than the tenant's own overlay network. */
  'POLICY_NETWORK',
  /** An Engine ServiceSpec value outside the known-safe shape (wrong type, value or missing field). */
  'POLICY_MALFORMED_SPEC',
  /** A volume on a driver other than the cluster's default volume driver. */
  'POLICY_VOLUME_DRIVER',
  /** Volume driver options (any: the allowed volume has none). */
  'POLICY_VOLUME_OPTIONS',
  /** A volume name that is not a plain name, or not the tenant's namespaced volume. */
  'POLICY_VOLUME_NAME',
  /** A tmpfs without a size, or larger than the replica's memory limit. */
  'POLICY_TMPFS_SIZE',
  /** A placement constraint on anything but a node label key the cluster allows. */
  'POLICY_PLACEMENT',
  /** An Engine ServiceSpec field Berth does not know to be safe. */
  'POLICY_UNKNOWN_FIELD',
  /** Two Engine ServiceSpec keys equal up to case (Docker's JSON decoder would read either as the field). */
  'POLICY_DUPLICATE_FIELD',
]);
/** Parsed value of {@link PolicyViolationCode}. */
export type PolicyViolationCode = z.infer<typeof PolicyViolationCode>;

/** One reason a spec is refused: a stable code, the offending field path and a human message. */
export const Violation = z.object({
  code: PolicyViolationCode,
  /** Dotted path into the checked object, e.g. `mounts[0].source` or `TaskTemplate.ContainerSpec.Mounts[1]`. */
  path: z.string(),
  message: z.string(),
});
/** Parsed value of {@link Violation}. */
export type Violation = z.infer<typeof Violation>;
