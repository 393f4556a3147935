import { describe, expect, it } from 'vitest';
import { checkAdmission, exposesRuntimeSocket, imageRegistryPath, isImageAllowed, normalizeHostPath } from './admission.ts';
import { AgentServiceSpec, type AgentServiceSpecInput } from './agent-service-spec.ts';

const policy = { allowedRegistries: ['docker.io', 'berth-test', 'ghcr.io/acme'], allowManagerPlacement: false, allowedPlacementLabels: ['zone'], volumeDriver: 'local' };

function spec(extra: Partial<AgentServiceSpecInput> = {}): AgentServiceSpec {
  return AgentServiceSpec.parse({ name: 'web', image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.5, memoryMb: 64 }, ...extra });
}

function codes(extra: Partial<AgentServiceSpecInput>, p = policy): string[] {
  return checkAdmission(spec(extra), p).map((v) => v.code);
}

describe('checkAdmission', () => {
  it('admits a clean spec with env, secrets, a healthcheck, a named volume and a tmpfs', () => {
    const clean = spec({
      env: { A: '1' },
      secrets: ['db-password'],
      healthcheck: { test: ['CMD', 'true'], intervalS: 5, timeoutS: 2, retries: 3, startPeriodS: 0 },
      mounts: [
        { type: 'volume', source: 'data', target: '/data' },
        { type: 'tmpfs', target: '/tmp' },
      ],
      placement: { constraints: ['node.labels.zone==a', 'node.role==worker'] },
    });
    expect(checkAdmission(clean, policy)).toEqual([]);
  });

  it.each([
    ['a bind mount', { type: 'bind' as const, source: '/etc', target: '/x' }],
    ['a volume bound with o=bind', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driverOptions: { o: 'bind', device: '/etc', type: 'none' } } }],
    ['a volume bound with o=rbind among other options', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driverOptions: { o: 'ro, rbind' } } }],
    ['a volume of type none with a device', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driver: 'local', driverOptions: { TYPE: 'none', device: '/home' } } }],
  ])('refuses %s as POLICY_BIND_MOUNT', (_title, mount) => {
    expect(codes({ mounts: [mount] })).toEqual(['POLICY_BIND_MOUNT']);
  });

  it.each([
    '/var/run/docker.sock',
    '/run/docker.sock',
    '//var//run/./docker.sock',
    '/tmp/../var/run/docker.sock',
    '/var/run',
    '/run',
    '/var',
    '/',
    '/run/containerd/containerd.sock',
  ])('refuses a bind of %s as POLICY_DOCKER_SOCKET', (source) => {
    expect(codes({ mounts: [{ type: 'bind', source, target: '/s' }] })).toEqual(['POLICY_DOCKER_SOCKET']);
  });

  it('refuses a volume whose bind device is the docker socket as POLICY_DOCKER_SOCKET', () => {
    const mount = { type: 'volume' as const, source: 'v', target: '/s', volumeOptions: { driverOptions: { type: 'none', o: 'bind', device: '/var/run/docker.sock' } } };
    expect(codes({ mounts: [mount] })).toEqual(['POLICY_DOCKER_SOCKET']);
  });

  it('allows a tmpfs mount whatever its source says', () => {
    expect(codes({ mounts: [{ type: 'tmpfs', source: '/var/run/docker.sock', target: '/t' }] })).toEqual([]);
  });

  it('refuses privileged containers, capabilities, devices and sysctls with their own codes', () => {
    expect(codes({ privileged: true })).toEqual(['POLICY_PRIVILEGED']);
    expect(codes({ capAdd: ['NET_ADMIN'] })).toEqual(['POLICY_CAPABILITIES']);
    expect(codes({ devices: ['/dev/kvm'] })).toEqual(['POLICY_DEVICES']);
    expect(codes({ sysctls: { 'net.ipv4.ip_forward': '1' } })).toEqual(['POLICY_SYSCTLS']);
  });

  it('ignores advanced fields set to their harmless empty values', () => {
    expect(codes({ privileged: false, capAdd: [], devices: [], sysctls: {}, mounts: [], ports: [], pidMode: 'private', ipcMode: '' })).toEqual([]);
  });

  it.each([
    ['networkMode', 'host'],
    ['networkMode', 'container:abc'],
    ['pidMode', 'host'],
    ['pidMode', 'container:abc'],
    ['ipcMode', 'host'],
    ['ipcMode', 'shareable'],
  ])('refuses %s=%s as POLICY_HOST_NAMESPACE', (field, value) => {
    expect(codes({ [field]: value })).toEqual(['POLICY_HOST_NAMESPACE']);
  });

  it('refuses joining another named network as POLICY_NETWORK', () => {
    expect(codes({ networkMode: 'other-tenant-net' })).toEqual(['POLICY_NETWORK']);
  });

  it('refuses published ports, host-mode ports and bare target ports', () => {
    expect(codes({ ports: [{ target: 80, published: 8080 }, { target: 81, mode: 'host' }, { target: 82 }] })).toEqual([
      'POLICY_PUBLISHED_PORTS',
      'POLICY_PUBLISHED_PORTS',
      'POLICY_PUBLISHED_PORTS',
    ]);
  });

  it('refuses manager placement in any spelling unless the policy allows it', () => {
    const placement = { constraints: ['node.role == manager', 'node.role!=worker', 'node.role==worker', 'NODE.ROLE==manager', 'Node.Role == Manager'] };
    const refused = checkAdmission(spec({ placement }), policy);
    expect(refused.map((v) => [v.code, v.path])).toEqual([
      ['POLICY_MANAGER_PLACEMENT', 'placement.constraints[0]'],
      ['POLICY_MANAGER_PLACEMENT', 'placement.constraints[1]'],
      ['POLICY_MANAGER_PLACEMENT', 'placement.constraints[3]'],
      ['POLICY_MANAGER_PLACEMENT', 'placement.constraints[4]'],
    ]);
    // Allowed, but only in Swarm's canonical spelling: a case variant is refused as an unknown constraint.
    expect(codes({ placement }, { ...policy, allowManagerPlacement: true })).toEqual(['POLICY_PLACEMENT', 'POLICY_PLACEMENT']);
  });

  it.each(['node.hostname==node-1', 'node.id!=abc', 'node.ip==10.0.0.1', 'node.platform.os==linux', 'node.platform.arch==x86_64', 'engine.labels.foo==bar', 'node.labels.rack==r1', 'node.labels.Zone==a', 'NODE.LABELS.zone==a', 'node.labels.zone==a==b'])(
    'refuses the placement constraint %s as POLICY_PLACEMENT',
    (c) => {
      expect(codes({ placement: { constraints: [c] } }, { ...policy, allowManagerPlacement: true })).toEqual(['POLICY_PLACEMENT']);
    },
  );

  it.each([
    ['a volume on a plugin driver', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driver: 'vieux/sshfs' } }, 'POLICY_VOLUME_DRIVER'],
    ['a procfs volume', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driver: 'local', driverOptions: { type: 'proc', device: 'proc' } } }, 'POLICY_VOLUME_OPTIONS'],
    ['a sysfs volume', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driverOptions: { type: 'sysfs', device: 'sysfs' } } }, 'POLICY_VOLUME_OPTIONS'],
    ['a block-device volume', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driverOptions: { type: 'ext4', device: '/dev/sda1' } } }, 'POLICY_VOLUME_OPTIONS'],
    ['an overlay of the host root', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driverOptions: { type: 'overlay', o: 'lowerdir=/' } } }, 'POLICY_VOLUME_OPTIONS'],
    ['an nfs volume', { type: 'volume' as const, source: 'v', target: '/x', volumeOptions: { driverOptions: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/srv' } } }, 'POLICY_VOLUME_OPTIONS'],
    ['a volume named by a host path', { type: 'volume' as const, source: '/etc', target: '/x' }, 'POLICY_BIND_MOUNT'],
    ['a volume name with a slash', { type: 'volume' as const, source: 'a/b', target: '/x' }, 'POLICY_VOLUME_NAME'],
    ['a sized local volume', { type: 'volume' as const, source: 'v', target: '/x', sizeMb: 10 }, 'POLICY_VOLUME_OPTIONS'],
    ['a tmpfs larger than the memory limit', { type: 'tmpfs' as const, target: '/t', sizeMb: 65 }, 'POLICY_TMPFS_SIZE'],
    ['a tmpfs with driver options', { type: 'tmpfs' as const, target: '/t', volumeOptions: { driverOptions: { o: 'size=1g' } } }, 'POLICY_VOLUME_OPTIONS'],
  ])('refuses %s', (_title, mount, code) => {
    expect(codes({ mounts: [mount] })).toEqual([code]);
  });

  it('admits a volume naming the cluster driver without options, and a tmpfs up to the memory limit', () => {
    expect(codes({ mounts: [{ type: 'volume', source: 'v', target: '/x', volumeOptions: { driver: 'local', driverOptions: {} } }, { type: 'tmpfs', target: '/t', sizeMb: 64 }] })).toEqual([]);
    expect(codes({ mounts: [{ type: 'volume', source: 'v', target: '/x', volumeOptions: { driver: 'local' } }] }, { ...policy, volumeDriver: 'rexray/ebs' })).toEqual(['POLICY_VOLUME_DRIVER']);
  });

  it('refuses images from registries outside the policy', () => {
    expect(codes({ image: 'evil.example.com/x:1' })).toEqual(['POLICY_REGISTRY']);
    expect(codes({ image: 'ghcr.io/other/app:1' })).toEqual(['POLICY_REGISTRY']);
    expect(codes({ image: 'ghcr.io/acme/app:1' })).toEqual([]);
    expect(codes({ image: 'nginx' }, { ...policy, allowedRegistries: ['berth-test'] })).toEqual(['POLICY_REGISTRY']);
    // Docker reads an upper-case first component as a registry host, not a Docker Hub namespace.
    expect(codes({ image: 'Evil/app' })).toEqual(['POLICY_REGISTRY']);
    expect(codes({ image: 'LOCALHOST/app' })).toEqual(['POLICY_REGISTRY']);
  });

  it('reports every violation of a spec at once with its path', () => {
    const refused = checkAdmission(spec({ privileged: true, mounts: [{ type: 'tmpfs', target: '/t' }, { type: 'bind', source: '/', target: '/h' }] }), policy);
    expect(refused.map((v) => v.path).sort()).toEqual(['mounts[1]', 'privileged']);
  });
});

describe('image registries', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox'],
    ['berth-test/busybox:1', 'docker.io/berth-test/busybox'],
    ['index.docker.io/library/nginx:1', 'docker.io/library/nginx'],
    ['localhost:5000/app', 'localhost:5000/app'],
    [`ghcr.io/acme/app:1@sha256:${'a'.repeat(64)}`, 'ghcr.io/acme/app'],
    ['Evil/app', 'evil/app'],
    ['LOCALHOST/app:1', 'localhost/app'],
    ['localhost/app', 'localhost/app'],
    ['GHCR.IO/acme/app', 'ghcr.io/acme/app'],
    ['docker.io/busybox', 'docker.io/library/busybox'],
    ['INDEX.DOCKER.IO/busybox', 'index.docker.io/busybox'],
    ['localhost:5000/a/b:v1@sha256:' + 'c'.repeat(64), 'localhost:5000/a/b'],
    ['[::1]:5000/app', '[::1]:5000/app'],
  ])('resolves %s to %s', (image, full) => {
    expect(imageRegistryPath(image)).toBe(full);
  });

  it.each(['berth-test/busybox/', 'berth-test//x', '/x', 'berth-test/BusyBox', 'x:', 'x@sha256:abc', 'a'.repeat(64), 'x:-bad'])('refuses the reference %s that Docker would not parse', (image) => {
    expect(imageRegistryPath(image)).toBeUndefined();
    expect(isImageAllowed(image, ['docker.io', 'berth-test'])).toBe(false);
  });

  it('does not let a namespace prefix match a longer namespace', () => {
    expect(isImageAllowed('berth-test-evil/x:1', ['berth-test'])).toBe(false);
    expect(isImageAllowed('ghcr.io.evil.com/x:1', ['ghcr.io'])).toBe(false);
  });
});

describe('host paths', () => {
  it('normalises dots and duplicate slashes', () => {
    expect(normalizeHostPath('//a/./b/../c/')).toBe('/a/c');
  });

  it('does not flag unrelated paths next to the socket', () => {
    expect(exposesRuntimeSocket('/var/run/docker.socket-not')).toBe(false);
    expect(exposesRuntimeSocket('/var/lib')).toBe(false);
  });
});
