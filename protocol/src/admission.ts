import { z } from 'zod';
import type { Violation } from './admission-codes.ts';
import { TMPFS_DEFAULT_MB, type AgentServiceSpec, type MountSpec } from './agent-service-spec.ts';
import { isImageAllowed } from './image-ref.ts';
import { checkConstraint } from './placement.ts';

export * from './admission-codes.ts';
export * from './image-ref.ts';
export * from './placement.ts';

/** A node label key a cluster lets tenants place by (`zone` allows `node.labels.zone==…`). */
export const PlacementLabelKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'use letters, digits, dots, dashes or underscores');
/** A Docker volume driver name (`local`, or a plugin such as `rexray/ebs:latest`). */
export const VolumeDriverName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./:-]{0,127}$/, 'use a Docker volume driver name such as local');

/** What an agent service may use. The edge reads it from the cluster row, the agent from its own config. */
export const AdmissionPolicy = z.object({
  /**
   * Allowed image sources. Each entry is a registry host (`docker.io`, `ghcr.io`, `localhost:5000`)
   * or a host/namespace prefix (`ghcr.io/acme`). An entry whose first component is not a host
   * (no `.` or `:`, not `localhost`, no upper-case letter) is a Docker Hub namespace: `berth-test`
   * means `docker.io/berth-test/…`, which is also how Docker names local images such as `berth-test/busybox:1`.
   */
  allowedRegistries: z.array(z.string().min(1)).min(1),
  /** Whether placement constraints may pin tasks onto Swarm managers. Off unless a cluster says so. */
  allowManagerPlacement: z.boolean().default(false),
  /** Node label keys placement constraints may use (`node.labels.<key>`); none by default. */
  allowedPlacementLabels: z.array(PlacementLabelKey).max(50).default([]),
  /** The cluster's volume driver: the only one tenant volumes use, always without driver options. */
  volumeDriver: VolumeDriverName.default('local'),
});
/** Parsed value of {@link AdmissionPolicy}. */
export type AdmissionPolicy = z.infer<typeof AdmissionPolicy>;

/** A tenant volume name: a plain name, which the agent namespaces per tenant. */
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const RUNTIME_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/containerd/containerd.sock'];

/** Lexically normalises a POSIX path (`//`, `.`, `..`, trailing `/`); relative paths are taken from `/`. */
export function normalizeHostPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

/** True when `path` is a container runtime socket, lies under one, or is a directory that contains one. */
export function exposesRuntimeSocket(path: string): boolean {
  const p = normalizeHostPath(path);
  return RUNTIME_SOCKETS.some((s) => p === s || p.startsWith(`${s}/`) || s.startsWith(p === '/' ? '/' : `${p}/`));
}

/** Bind smells in local-driver volume options (`o=bind`, `type=none` + `device`), reported as bind mounts. */
export function volumeOptionsBind(options: Readonly<Record<string, string>>): boolean {
  const lower = Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const o = (lower['o'] ?? '').split(',').map((x) => x.trim().toLowerCase());
  if (o.includes('bind') || o.includes('rbind')) return true;
  return (lower['type'] ?? '').toLowerCase() === 'none' && (lower['device'] ?? '') !== '';
}

/**
 * Why a volume's driver options are refused. Every option is refused (the allowed volume has none);
 * the known dangerous classes keep their own codes so the reason stays precise.
 */
export function volumeOptionsViolation(options: Readonly<Record<string, string>>, path: string): Violation {
  const device = Object.entries(options).find(([k]) => k.toLowerCase() === 'device')?.[1];
  if (device !== undefined && exposesRuntimeSocket(device)) {
    return { code: 'POLICY_DOCKER_SOCKET', path, message: 'mounting the container runtime socket (or a directory holding it) is not allowed' };
  }
  if (volumeOptionsBind(options)) {
    return { code: 'POLICY_BIND_MOUNT', path, message: 'volume driver options that bind a host path (o=bind or type=none with device) are not allowed' };
  }
  return { code: 'POLICY_VOLUME_OPTIONS', path, message: 'volume driver options are not allowed; volumes use the cluster driver as it is' };
}

/** Refusal of a mount whose type is neither volume nor tmpfs (a host path, a pipe, …). */
export function hostMountViolation(type: string, source: string | undefined, path: string): Violation {
  if (source !== undefined && source.startsWith('/') && exposesRuntimeSocket(source)) {
    return { code: 'POLICY_DOCKER_SOCKET', path, message: 'mounting the container runtime socket (or a directory holding it) is not allowed' };
  }
  return { code: 'POLICY_BIND_MOUNT', path, message: type === 'bind' ? 'bind mounts of host paths are not allowed; use a volume or tmpfs' : `mount type '${type}' is not allowed; use a volume or tmpfs` };
}

/** The size in MiB a tmpfs mount gets: its own, else the default capped at the memory limit. */
export function tmpfsSizeMb(mount: Pick<MountSpec, 'sizeMb'>, memoryMb: number): number {
  return mount.sizeMb ?? Math.min(TMPFS_DEFAULT_MB, memoryMb);
}

function checkMount(m: MountSpec, memoryMb: number, driver: string, path: string, out: Violation[]): void {
  if (m.type === 'bind') {
    out.push(hostMountViolation(m.type, m.source, path));
  } else if (m.type === 'tmpfs') {
    if (m.volumeOptions !== undefined) out.push({ code: 'POLICY_VOLUME_OPTIONS', path: `${path}.volumeOptions`, message: 'a tmpfs takes no volume options' });
    if (tmpfsSizeMb(m, memoryMb) > memoryMb) out.push({ code: 'POLICY_TMPFS_SIZE', path: `${path}.sizeMb`, message: `a tmpfs may be at most the replica's memory limit (${memoryMb} MiB)` });
  } else if (m.source !== undefined && m.source.startsWith('/')) {
    out.push(hostMountViolation('bind', m.source, path));
  } else {
    const opts = m.volumeOptions?.driverOptions ?? {};
    if (Object.keys(opts).length > 0) out.push(volumeOptionsViolation(opts, `${path}.volumeOptions.driverOptions`));
    const asked = m.volumeOptions?.driver;
    if (asked !== undefined && asked !== driver) out.push({ code: 'POLICY_VOLUME_DRIVER', path: `${path}.volumeOptions.driver`, message: `volumes use the cluster's volume driver (${driver})` });
    if (m.source !== undefined && !VOLUME_NAME.test(m.source)) out.push({ code: 'POLICY_VOLUME_NAME', path: `${path}.source`, message: 'use a volume name of letters, digits, dots, dashes or underscores' });
    if (m.sizeMb !== undefined) out.push({ code: 'POLICY_VOLUME_OPTIONS', path: `${path}.sizeMb`, message: `the ${driver} volume driver takes no size` });
  }
}

function namespaceMode(value: string | undefined, field: string, out: Violation[], allowNetworkNames: boolean): void {
  if (value === undefined || value === '' || value === 'private' || value === 'none') return;
  if (value === 'host' || value.startsWith('container:') || value === 'shareable') {
    out.push({ code: 'POLICY_HOST_NAMESPACE', path: field, message: `${field} '${value}' shares a namespace with the host or another container` });
  } else if (allowNetworkNames) {
    out.push({ code: 'POLICY_NETWORK', path: field, message: 'agent services join only their tenant network' });
  } else {
    out.push({ code: 'POLICY_HOST_NAMESPACE', path: field, message: `${field} '${value}' is not allowed` });
  }
}

/**
 * Checks a tenant's AgentServiceSpec against the admission policy. Pure; an empty array means admitted.
 * An allowlist: named volumes on the cluster's driver without options, sized tmpfs, placement on
 * allowed node labels, images from allowed registries; every advanced field left empty.
 * The agent calls this again before acting, and then `checkEngineServiceSpec` on what it will send.
 */
export function checkAdmission(spec: AgentServiceSpec, policy: AdmissionPolicy): Violation[] {
  const out: Violation[] = [];
  if (!isImageAllowed(spec.image, policy.allowedRegistries)) {
    out.push({ code: 'POLICY_REGISTRY', path: 'image', message: `images must come from: ${policy.allowedRegistries.join(', ')}` });
  }
  spec.mounts?.forEach((m, i) => checkMount(m, spec.limits.memoryMb, policy.volumeDriver, `mounts[${i}]`, out));
  spec.ports?.forEach((p, i) =>
    out.push({
      code: 'POLICY_PUBLISHED_PORTS',
      path: `ports[${i}]`,
      message: p.published === undefined ? 'Swarm publishes every endpoint port on all nodes; reach services over the tenant network instead' : `publishing port ${p.published} on the cluster is not allowed`,
    }),
  );
  if (spec.privileged === true) out.push({ code: 'POLICY_PRIVILEGED', path: 'privileged', message: 'privileged containers are not allowed' });
  if (spec.capAdd && spec.capAdd.length > 0) out.push({ code: 'POLICY_CAPABILITIES', path: 'capAdd', message: 'adding Linux capabilities is not allowed' });
  if (spec.devices && spec.devices.length > 0) out.push({ code: 'POLICY_DEVICES', path: 'devices', message: 'host devices are not allowed' });
  if (spec.sysctls && Object.keys(spec.sysctls).length > 0) out.push({ code: 'POLICY_SYSCTLS', path: 'sysctls', message: 'setting sysctls is not allowed' });
  namespaceMode(spec.networkMode, 'networkMode', out, true);
  namespaceMode(spec.pidMode, 'pidMode', out, false);
  namespaceMode(spec.ipcMode, 'ipcMode', out, false);
  spec.placement?.constraints.forEach((c, i) => {
    const v = checkConstraint(c, policy, `placement.constraints[${i}]`);
    if (v) out.push(v);
  });
  return out;
}
