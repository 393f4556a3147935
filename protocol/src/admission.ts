import { z } from 'zod';
import type { AgentServiceSpec } from './agent-service-spec.ts';

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
  /** An Engine ServiceSpec whose shape could not be inspected. */
  'POLICY_MALFORMED_SPEC',
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

/** What an agent service may use. */
export const AdmissionPolicy = z.object({
  /**
   * Allowed image sources. Each entry is a registry host (`docker.io`, `ghcr.io`, `localhost:5000`)
   * or a host/namespace prefix (`ghcr.io/acme`). An entry whose first component is not a host
   * (no `.` or `:` and not `localhost`) is a Docker Hub namespace: `berth-test` means
   * `docker.io/berth-test/…`, which is also how Docker names local images such as `berth-test/busybox:1`.
   */
  allowedRegistries: z.array(z.string().min(1)).min(1),
  /** Whether placement constraints may pin tasks onto Swarm managers. */
  allowManagerPlacement: z.boolean(),
});
/** Parsed value of {@link AdmissionPolicy}. */
export type AdmissionPolicy = z.infer<typeof AdmissionPolicy>;

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

function isHostComponent(c: string): boolean {
  return c.includes('.') || c.includes(':') || c === 'localhost';
}

/**
 * Canonical `host/path` of an image without tag or digest, the way Docker resolves names:
 * `busybox` → `docker.io/library/busybox`, `berth-test/busybox:1` → `docker.io/berth-test/busybox`,
 * `ghcr.io/acme/app@sha256:…` → `ghcr.io/acme/app`.
 */
export function imageRegistryPath(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.indexOf('/');
  const first = slash === -1 ? '' : noDigest.slice(0, slash);
  let host = 'docker.io';
  let rest = noDigest;
  if (slash !== -1 && isHostComponent(first)) {
    host = first === 'index.docker.io' ? 'docker.io' : first.toLowerCase();
    rest = noDigest.slice(slash + 1);
  }
  const colon = rest.lastIndexOf(':');
  const path = colon === -1 ? rest : rest.slice(0, colon);
  return `${host}/${host === 'docker.io' && !path.includes('/') ? `library/${path}` : path}`;
}

function registryEntryPrefix(entry: string): string {
  const trimmed = entry.replace(/\/+$/, '');
  const first = trimmed.split('/')[0] ?? '';
  if (isHostComponent(first)) return first === 'index.docker.io' ? `docker.io${trimmed.slice(first.length)}` : trimmed.toLowerCase();
  return `docker.io/${trimmed}`;
}

/** True when `image` comes from one of the allowed registries / namespaces. */
export function isImageAllowed(image: string, allowedRegistries: readonly string[]): boolean {
  const full = imageRegistryPath(image);
  return allowedRegistries.some((e) => full.startsWith(`${registryEntryPrefix(e)}/`));
}

/** True when a Docker placement constraint pins tasks onto managers (`node.role==manager`, `node.role!=worker`). */
export function managerConstraint(constraint: string): boolean {
  const m = /^\s*node\.role\s*(==|!=)\s*([A-Za-z]+)\s*$/.exec(constraint);
  if (!m) return false;
  const value = (m[2] ?? '').toLowerCase();
  return (m[1] === '==' && value === 'manager') || (m[1] === '!=' && value === 'worker');
}

/** Bind-mount smells in local-driver volume options (`o=bind`, `type=none` + `device`). */
export function volumeOptionsBind(options: Readonly<Record<string, string>> | undefined): boolean {
  if (!options) return false;
  const lower = Object.fromEntries(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v]));
  const o = (lower['o'] ?? '').split(',').map((x) => x.trim().toLowerCase());
  if (o.includes('bind') || o.includes('rbind')) return true;
  return (lower['type'] ?? '').toLowerCase() === 'none' && (lower['device'] ?? '') !== '';
}

/** Pushes the violations of one mount, in whichever vocabulary (spec or Engine) it came from. */
export function checkMount(
  m: { type: string; source?: string | undefined; driverOptions?: Readonly<Record<string, string>> | undefined },
  path: string,
  out: Violation[],
): void {
  const type = m.type.toLowerCase();
  const device = m.driverOptions ? Object.entries(m.driverOptions).find(([k]) => k.toLowerCase() === 'device')?.[1] : undefined;
  const hostPaths = [type !== 'tmpfs' && m.source?.startsWith('/') ? m.source : undefined, device];
  if (hostPaths.some((p) => p !== undefined && exposesRuntimeSocket(p))) {
    out.push({ code: 'POLICY_DOCKER_SOCKET', path, message: 'mounting the container runtime socket (or a directory holding it) is not allowed' });
    return;
  }
  if (type === 'bind' || type === 'npipe') {
    out.push({ code: 'POLICY_BIND_MOUNT', path, message: 'bind mounts of host paths are not allowed; use a volume or tmpfs' });
  } else if (type === 'volume' && volumeOptionsBind(m.driverOptions)) {
    out.push({ code: 'POLICY_BIND_MOUNT', path, message: 'volume driver options that bind a host path (o=bind or type=none with device) are not allowed' });
  } else if (type !== 'volume' && type !== 'tmpfs') {
    out.push({ code: 'POLICY_BIND_MOUNT', path, message: `mount type '${m.type}' is not allowed; use a volume or tmpfs` });
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
 * The agent calls this again before acting, and then `checkEngineServiceSpec` on what it will send.
 */
export function checkAdmission(spec: AgentServiceSpec, policy: AdmissionPolicy): Violation[] {
  const out: Violation[] = [];
  if (!isImageAllowed(spec.image, policy.allowedRegistries)) {
    out.push({ code: 'POLICY_REGISTRY', path: 'image', message: `images must come from: ${policy.allowedRegistries.join(', ')}` });
  }
  spec.mounts?.forEach((m, i) =>
    checkMount({ type: m.type, source: m.source, driverOptions: m.volumeOptions?.driverOptions }, `mounts[${i}]`, out),
  );
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
  if (!policy.allowManagerPlacement) {
    spec.placement?.constraints.forEach((c, i) => {
      if (managerConstraint(c)) out.push({ code: 'POLICY_MANAGER_PLACEMENT', path: `placement.constraints[${i}]`, message: 'placing tasks on Swarm managers is not allowed' });
    });
  }
  return out;
}

const EngineMount = z.looseObject({
  Type: z.string().optional(),
  Source: z.string().optional(),
  Target: z.string().optional(),
  VolumeOptions: z
    .looseObject({ DriverConfig: z.looseObject({ Name: z.string().optional(), Options: z.record(z.string(), z.string()).optional() }).optional() })
    .optional(),
});
const EngineNetworkAttachment = z.looseObject({ Target: z.string().optional() });

/**
 * The parts of a Docker Engine `ServiceSpec` that admission inspects (loose: other keys pass).
 * Field names follow the Engine API (`TaskTemplate.ContainerSpec.Mounts`, `EndpointSpec.Ports`, …).
 */
export const EngineServiceSpecView = z.looseObject({
  TaskTemplate: z
    .looseObject({
      ContainerSpec: z
        .looseObject({
          Image: z.string().optional(),
          Mounts: z.array(EngineMount).optional(),
          Privileges: z
            .looseObject({
              Seccomp: z.looseObject({ Mode: z.string().optional() }).optional(),
              AppArmor: z.looseObject({ Mode: z.string().optional() }).optional(),
              SELinuxContext: z.looseObject({ Disable: z.boolean().optional() }).optional(),
            })
            .optional(),
          CapabilityAdd: z.array(z.string()).optional(),
          Sysctls: z.record(z.string(), z.string()).optional(),
          Devices: z.array(z.unknown()).optional(),
        })
        .optional(),
      PluginSpec: z.unknown().optional(),
      Runtime: z.string().optional(),
      Networks: z.array(EngineNetworkAttachment).optional(),
      Placement: z.looseObject({ Constraints: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  Networks: z.array(EngineNetworkAttachment).optional(),
  EndpointSpec: z.looseObject({ Ports: z.array(z.unknown()).optional() }).optional(),
});
/** Parsed value of {@link EngineServiceSpecView}. */
export type EngineServiceSpecView = z.infer<typeof EngineServiceSpecView>;

/** Policy for an Engine ServiceSpec: the admission policy plus the only networks it may join (names or ids). */
export type EngineAdmissionPolicy = AdmissionPolicy & { allowedNetworks: readonly string[] };

/**
 * Re-checks the Docker Engine ServiceSpec an agent is about to send (create or update), so a bug in
 * the spec → Engine translation cannot smuggle in what `checkAdmission` refused. Pure.
 */
export function checkEngineServiceSpec(engineSpec: unknown, policy: EngineAdmissionPolicy): Violation[] {
  const parsed = EngineServiceSpecView.safeParse(engineSpec);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ code: 'POLICY_MALFORMED_SPEC', path: i.path.join('.'), message: i.message }));
  }
  const out: Violation[] = [];
  const tt = parsed.data.TaskTemplate;
  const cs = tt?.ContainerSpec;
  const base = 'TaskTemplate.ContainerSpec';
  if (tt?.PluginSpec !== undefined || (tt?.Runtime !== undefined && tt.Runtime !== 'container')) {
    out.push({ code: 'POLICY_PRIVILEGED', path: 'TaskTemplate.Runtime', message: 'only container tasks are allowed (plugins run privileged)' });
  }
  if (!cs) {
    out.push({ code: 'POLICY_MALFORMED_SPEC', path: base, message: 'a ContainerSpec is required' });
    return out;
  }
  if (cs.Image === undefined || !isImageAllowed(cs.Image, policy.allowedRegistries)) {
    out.push({ code: 'POLICY_REGISTRY', path: `${base}.Image`, message: `images must come from: ${policy.allowedRegistries.join(', ')}` });
  }
  cs.Mounts?.forEach((m, i) =>
    checkMount({ type: m.Type ?? 'volume', source: m.Source, driverOptions: m.VolumeOptions?.DriverConfig?.Options }, `${base}.Mounts[${i}]`, out),
  );
  const priv = cs.Privileges;
  if (priv?.Seccomp?.Mode === 'unconfined' || priv?.AppArmor?.Mode === 'disabled' || priv?.SELinuxContext?.Disable === true) {
    out.push({ code: 'POLICY_PRIVILEGED', path: `${base}.Privileges`, message: 'disabling seccomp, AppArmor or SELinux confinement is not allowed' });
  }
  if (cs.CapabilityAdd && cs.CapabilityAdd.length > 0) out.push({ code: 'POLICY_CAPABILITIES', path: `${base}.CapabilityAdd`, message: 'adding Linux capabilities is not allowed' });
  if (cs.Devices && cs.Devices.length > 0) out.push({ code: 'POLICY_DEVICES', path: `${base}.Devices`, message: 'host devices are not allowed' });
  if (cs.Sysctls && Object.keys(cs.Sysctls).length > 0) out.push({ code: 'POLICY_SYSCTLS', path: `${base}.Sysctls`, message: 'setting sysctls is not allowed' });
  const ports = parsed.data.EndpointSpec?.Ports;
  if (ports && ports.length > 0) out.push({ code: 'POLICY_PUBLISHED_PORTS', path: 'EndpointSpec.Ports', message: 'publishing ports is not allowed' });
  const networks: Array<[string, string | undefined]> = [
    ...(tt?.Networks ?? []).map((n, i): [string, string | undefined] => [`TaskTemplate.Networks[${i}]`, n.Target]),
    ...(parsed.data.Networks ?? []).map((n, i): [string, string | undefined] => [`Networks[${i}]`, n.Target]),
  ];
  for (const [path, target] of networks) {
    if (target === 'host') out.push({ code: 'POLICY_HOST_NAMESPACE', path, message: 'the host network is not allowed' });
    else if (target === undefined || !policy.allowedNetworks.includes(target)) out.push({ code: 'POLICY_NETWORK', path, message: 'agent services join only their tenant network' });
  }
  if (!policy.allowManagerPlacement) {
    tt?.Placement?.Constraints?.forEach((c, i) => {
      if (managerConstraint(c)) out.push({ code: 'POLICY_MANAGER_PLACEMENT', path: `TaskTemplate.Placement.Constraints[${i}]`, message: 'placing tasks on Swarm managers is not allowed' });
    });
  }
  return out;
}
