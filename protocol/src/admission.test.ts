import { describe, expect, it } from 'vitest';
import { checkAdmission, checkEngineServiceSpec, exposesRuntimeSocket, imageRegistryPath, isImageAllowed, normalizeHostPath } from './admission.ts';
import { AgentServiceSpec, type AgentServiceSpecInput } from './agent-service-spec.ts';

const policy = { allowedRegistries: ['docker.io', 'berth-test', 'ghcr.io/acme'], allowManagerPlacement: false };

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

  it('refuses manager placement unless the policy allows it', () => {
    const placement = { constraints: ['node.role == manager', 'node.role!=worker', 'node.role==worker'] };
    const refused = checkAdmission(spec({ placement }), policy);
    expect(refused.map((v) => [v.code, v.path])).toEqual([
      ['POLICY_MANAGER_PLACEMENT', 'placement.constraints[0]'],
      ['POLICY_MANAGER_PLACEMENT', 'placement.constraints[1]'],
    ]);
    expect(codes({ placement }, { ...policy, allowManagerPlacement: true })).toEqual([]);
  });

  it('refuses images from registries outside the policy', () => {
    expect(codes({ image: 'evil.example.com/x:1' })).toEqual(['POLICY_REGISTRY']);
    expect(codes({ image: 'ghcr.io/other/app:1' })).toEqual(['POLICY_REGISTRY']);
    expect(codes({ image: 'ghcr.io/acme/app:1' })).toEqual([]);
    expect(codes({ image: 'nginx' }, { ...policy, allowedRegistries: ['berth-test'] })).toEqual(['POLICY_REGISTRY']);
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
  ])('resolves %s to %s', (image, full) => {
    expect(imageRegistryPath(image)).toBe(full);
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

describe('checkEngineServiceSpec', () => {
  const enginePolicy = { ...policy, allowedNetworks: ['berth-t1-net'] };
  const clean = {
    Name: 'berth-t1-web',
    TaskTemplate: {
      ContainerSpec: { Image: 'berth-test/busybox:1', Init: true, Mounts: [{ Type: 'tmpfs', Target: '/tmp' }] },
      Networks: [{ Target: 'berth-t1-net' }],
      Placement: { Constraints: ['node.role==worker'] },
    },
    EndpointSpec: { Mode: 'vip' },
  };

  it('admits a clean Engine spec', () => {
    expect(checkEngineServiceSpec(clean, enginePolicy)).toEqual([]);
  });

  it('refuses each forbidden Engine field with its code', () => {
    const bad = {
      TaskTemplate: {
        ContainerSpec: {
          Image: 'quay.io/x/y',
          Mounts: [{ Type: 'bind', Source: '/run/docker.sock', Target: '/s' }, { Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { DriverConfig: { Name: 'local', Options: { o: 'bind', device: '/etc' } } } }, { Type: 'npipe', Source: 'x', Target: '/n' }],
          Privileges: { Seccomp: { Mode: 'unconfined' } },
          CapabilityAdd: ['SYS_ADMIN'],
          Sysctls: { 'kernel.x': '1' },
          Devices: [{ PathOnHost: '/dev/sda' }],
        },
        Networks: [{ Target: 'host' }, { Target: 'other' }],
        Placement: { Constraints: ['node.role==manager'] },
      },
      EndpointSpec: { Ports: [{ TargetPort: 80, PublishedPort: 80 }] },
    };
    expect(checkEngineServiceSpec(bad, enginePolicy).map((v) => v.code).sort()).toEqual(
      [
        'POLICY_REGISTRY',
        'POLICY_DOCKER_SOCKET',
        'POLICY_BIND_MOUNT',
        'POLICY_BIND_MOUNT',
        'POLICY_PRIVILEGED',
        'POLICY_CAPABILITIES',
        'POLICY_SYSCTLS',
        'POLICY_DEVICES',
        'POLICY_PUBLISHED_PORTS',
        'POLICY_HOST_NAMESPACE',
        'POLICY_NETWORK',
        'POLICY_MANAGER_PLACEMENT',
      ].sort(),
    );
  });

  it('refuses plugin tasks and shapes it cannot inspect', () => {
    expect(checkEngineServiceSpec({ TaskTemplate: { PluginSpec: {}, ContainerSpec: { Image: 'busybox' } } }, enginePolicy).map((v) => v.code)).toEqual(['POLICY_PRIVILEGED']);
    expect(checkEngineServiceSpec({ TaskTemplate: { ContainerSpec: { Mounts: 'x' } } }, enginePolicy).map((v) => v.code)).toEqual(['POLICY_MALFORMED_SPEC']);
    expect(checkEngineServiceSpec(null, enginePolicy).map((v) => v.code)).toEqual(['POLICY_MALFORMED_SPEC']);
  });
});
