import type { z } from 'zod';
import { hostMountViolation, volumeOptionsViolation, type AdmissionPolicy } from './admission.ts';
import type { PolicyViolationCode, Violation } from './admission-codes.ts';
import { TMPFS_MAX_MB } from './agent-service-spec.ts';
import { EngineServiceSpecShape } from './engine-spec-shape.ts';
import { isImageAllowed } from './image-ref.ts';
import { checkConstraint } from './placement.ts';

export * from './engine-spec-shape.ts';

/**
 * Policy for an Engine ServiceSpec: the admission policy, the only networks it may join (ids or
 * names) and the prefix of the tenant's volume names (`berth-<tenantKey>-`).
 */
export type EngineAdmissionPolicy = AdmissionPolicy & { allowedNetworks: readonly string[]; volumePrefix: string };

/**
 * Known dangerous Engine fields keep the code of their class, matched case-insensitively (Go's JSON
 * decoder reads `privileges` as `Privileges`). Keys are lower-cased paths, array indices as `[]`.
 */
const FIELD_CLASS: Record<string, PolicyViolationCode> = {
  'tasktemplate.containerspec.privileges': 'POLICY_PRIVILEGED',
  'tasktemplate.containerspec.capabilityadd': 'POLICY_CAPABILITIES',
  'tasktemplate.containerspec.sysctls': 'POLICY_SYSCTLS',
  'tasktemplate.containerspec.devices': 'POLICY_DEVICES',
  'tasktemplate.containerspec.image': 'POLICY_REGISTRY',
  'tasktemplate.containerspec.mounts[].bindoptions': 'POLICY_BIND_MOUNT',
  'tasktemplate.containerspec.mounts[].tmpfsoptions.sizebytes': 'POLICY_TMPFS_SIZE',
  'tasktemplate.containerspec.mounts[].volumeoptions.driverconfig.name': 'POLICY_VOLUME_DRIVER',
  'tasktemplate.containerspec.mounts[].volumeoptions.driverconfig.options': 'POLICY_VOLUME_OPTIONS',
  'tasktemplate.pluginspec': 'POLICY_PRIVILEGED',
  'tasktemplate.runtime': 'POLICY_PRIVILEGED',
  'tasktemplate.networkattachmentspec': 'POLICY_NETWORK',
  'tasktemplate.networks': 'POLICY_NETWORK',
  'tasktemplate.placement': 'POLICY_PLACEMENT',
  networks: 'POLICY_NETWORK',
  'endpointspec.ports': 'POLICY_PUBLISHED_PORTS',
};

type Key = PropertyKey;
const dotted = (path: readonly Key[]): string => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');

function classOf(path: readonly Key[]): PolicyViolationCode | undefined {
  const norm = path.map((k) => (typeof k === 'number' ? '[]' : String(k).toLowerCase()));
  for (let n = norm.length; n > 0; n--) {
    const code = FIELD_CLASS[norm.slice(0, n).join('.').replace(/\.\[\]/g, '[]')];
    if (code) return code;
  }
  return undefined;
}

function shapeViolations(issues: readonly z.core.$ZodIssue[]): Violation[] {
  return issues.flatMap((issue): Violation[] => {
    if (issue.code !== 'unrecognized_keys') {
      const path = dotted(issue.path);
      return [{ code: classOf(issue.path) ?? 'POLICY_MALFORMED_SPEC', path, message: `${path || 'the spec'}: ${issue.message}` }];
    }
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { code: classOf(path) ?? 'POLICY_UNKNOWN_FIELD', path: dotted(path), message: `'${key}' is not a field Berth knows to be safe (only the exact spelling of an allowed field is accepted)` };
    });
  });
}

/** Objects holding two keys equal up to case: Docker would read either as the same field. */
function duplicateKeys(value: unknown, path: Key[], out: Violation[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => duplicateKeys(v, [...path, i], out));
  } else if (typeof value === 'object' && value !== null) {
    const seen = new Map<string, string>();
    for (const [k, v] of Object.entries(value)) {
      const first = seen.get(k.toLowerCase());
      if (first !== undefined) out.push({ code: 'POLICY_DUPLICATE_FIELD', path: dotted([...path, k]), message: `'${k}' and '${first}' are the same field to Docker` });
      else seen.set(k.toLowerCase(), k);
      duplicateKeys(v, [...path, k], out);
    }
  }
}

type Spec = z.infer<typeof EngineServiceSpecShape>;
type EngineMount = NonNullable<Spec['TaskTemplate']['ContainerSpec']['Mounts']>[number];

function mountViolations(m: EngineMount, path: string, memoryBytes: number, policy: EngineAdmissionPolicy): Violation[] {
  if (m.Type !== 'volume' && m.Type !== 'tmpfs') return [hostMountViolation(m.Type, m.Source, path)];
  const out: Violation[] = [];
  if (m.Type === 'tmpfs') {
    const cap = Math.min(memoryBytes, TMPFS_MAX_MB * 1024 * 1024);
    const size = m.TmpfsOptions?.SizeBytes;
    if (size === undefined || size > cap) out.push({ code: 'POLICY_TMPFS_SIZE', path: `${path}.TmpfsOptions.SizeBytes`, message: `a tmpfs needs a size of at most ${cap} bytes (the memory limit)` });
    if (m.VolumeOptions !== undefined) out.push({ code: 'POLICY_VOLUME_OPTIONS', path: `${path}.VolumeOptions`, message: 'a tmpfs takes no volume options' });
    if (m.Source !== undefined && m.Source !== '') out.push(hostMountViolation('tmpfs', m.Source, `${path}.Source`));
    return out;
  }
  const source = m.Source ?? '';
  if (source.startsWith('/')) return [hostMountViolation('bind', source, path)];
  if (!source.startsWith(policy.volumePrefix) || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) {
    out.push({ code: 'POLICY_VOLUME_NAME', path: `${path}.Source`, message: "volumes must be the tenant's own named volumes" });
  }
  const driver = m.VolumeOptions?.DriverConfig;
  if (driver?.Name !== policy.volumeDriver) out.push({ code: 'POLICY_VOLUME_DRIVER', path: `${path}.VolumeOptions.DriverConfig.Name`, message: `volumes use the cluster's volume driver (${policy.volumeDriver})` });
  if (driver?.Options && Object.keys(driver.Options).length > 0) out.push(volumeOptionsViolation(driver.Options, `${path}.VolumeOptions.DriverConfig.Options`));
  if (m.TmpfsOptions !== undefined) out.push({ code: 'POLICY_VOLUME_OPTIONS', path: `${path}.TmpfsOptions`, message: 'a volume takes no tmpfs options' });
  return out;
}

function policyViolations(spec: Spec, policy: EngineAdmissionPolicy): Violation[] {
  const out: Violation[] = [];
  const tt = spec.TaskTemplate;
  const cs = tt.ContainerSpec;
  if (!isImageAllowed(cs.Image, policy.allowedRegistries)) {
    out.push({ code: 'POLICY_REGISTRY', path: 'TaskTemplate.ContainerSpec.Image', message: `images must come from: ${policy.allowedRegistries.join(', ')}` });
  }
  cs.Mounts?.forEach((m, i) => out.push(...mountViolations(m, `TaskTemplate.ContainerSpec.Mounts[${i}]`, tt.Resources.Limits.MemoryBytes, policy)));
  tt.Networks.forEach((n, i) => {
    const path = `TaskTemplate.Networks[${i}]`;
    if (n.Target === 'host') out.push({ code: 'POLICY_HOST_NAMESPACE', path, message: 'the host network is not allowed' });
    else if (!policy.allowedNetworks.includes(n.Target)) out.push({ code: 'POLICY_NETWORK', path, message: 'agent services join only their tenant network' });
  });
  tt.Placement?.Constraints?.forEach((c, i) => {
    const v = checkConstraint(c, policy, `TaskTemplate.Placement.Constraints[${i}]`);
    if (v) out.push(v);
  });
  return out;
}

/**
 * Re-checks the Docker Engine ServiceSpec an agent is about to send (create, update, or a re-sent
 * spec on scale and restart), so neither a bug in the spec → Engine translation nor a field someone
 * added to the service out of band reaches Docker. An allowlist ({@link EngineServiceSpecShape}):
 * unknown keys at any level, case variants, and keys equal up to case are refused; then the policy
 * decides image, mounts, networks and placement. Pure; an empty array means admitted.
 */
export function checkEngineServiceSpec(engineSpec: unknown, policy: EngineAdmissionPolicy): Violation[] {
  const out: Violation[] = [];
  duplicateKeys(engineSpec, [], out);
  const parsed = EngineServiceSpecShape.safeParse(engineSpec);
  if (parsed.success) out.push(...policyViolations(parsed.data, policy));
  else out.push(...shapeViolations(parsed.error.issues));
  return out;
}
