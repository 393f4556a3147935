import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEngineServiceSpec, type EngineAdmissionPolicy } from './engine-admission.ts';
import { casePolicy, forbiddenConstraint, forbiddenImage, propertySeed } from './testing/admission-cases.ts';

const policy: EngineAdmissionPolicy = { ...casePolicy, allowedNetworks: ['net-1'], volumePrefix: 'berth-t1-' };

/** The shape node-agent's buildServiceSpec emits (a fixture, not a copy of its logic). */
function clean(): Record<string, unknown> {
  return {
    Name: 'berth-t1-web',
    Labels: { 'berth.managed': 'true', 'berth.tenant': 't1', 'berth.agent-service': 'as-1', 'berth.spec-hash': 'h' },
    TaskTemplate: {
      ContainerSpec: {
        Image: 'berth-test/busybox:1',
        Command: ['sleep', '3600'],
        Env: ['A=1'],
        Init: true,
        Labels: { 'berth.managed': 'true', 'berth.tenant': 't1', 'berth.agent-service': 'as-1' },
        Secrets: [{ SecretID: 's1', SecretName: 'berth-t1-key-1', File: { Name: 'key', UID: '0', GID: '0', Mode: 0o400 } }],
        Mounts: [
          { Type: 'tmpfs', Source: '', Target: '/tmp', ReadOnly: false, TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1777 } },
          { Type: 'volume', Source: 'berth-t1-data', Target: '/data', ReadOnly: false, VolumeOptions: { NoCopy: false, Labels: { 'berth.managed': 'true', 'berth.tenant': 't1' }, DriverConfig: { Name: 'local', Options: {} } } },
        ],
        HealthCheck: { Test: ['CMD', 'true'], Interval: 30e9, Timeout: 10e9, Retries: 3, StartPeriod: 0 },
        StopGracePeriod: 10e9,
      },
      Resources: { Limits: { NanoCPUs: 5e8, MemoryBytes: 128 * 1024 * 1024 } },
      RestartPolicy: { Condition: 'any', Delay: 5e9, MaxAttempts: 0, Window: 0 },
      Networks: [{ Target: 'net-1', Aliases: ['web'] }],
      Placement: { Constraints: ['node.labels.zone==a', 'node.role==worker'] },
      ForceUpdate: 0,
    },
    Mode: { Replicated: { Replicas: 1 } },
    UpdateConfig: { Parallelism: 1, Delay: 0, FailureAction: 'rollback', Monitor: 5e9, MaxFailureRatio: 0, Order: 'start-first' },
    RollbackConfig: { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 5e9, MaxFailureRatio: 0, Order: 'start-first' },
    EndpointSpec: { Mode: 'vip' },
  };
}

type Json = Record<string, unknown>;
const at = (o: Json, ...keys: string[]): Json => keys.reduce<Json>((cur, k) => cur[k] as Json, o);
const cs = (o: Json) => at(o, 'TaskTemplate', 'ContainerSpec');
const codes = (spec: unknown) => checkEngineServiceSpec(spec, policy).map((v) => v.code);
function edited(edit: (s: Json) => void): Json {
  const s = clean();
  edit(s);
  return s;
}

describe('checkEngineServiceSpec', () => {
  it('admits the spec the agent builds, and the same spec as the engine returns it on inspect', () => {
    expect(checkEngineServiceSpec(clean(), policy)).toEqual([]);
    const inspected = edited((s) => {
      Object.assign(cs(s), { Isolation: 'default' });
      Object.assign(at(s, 'TaskTemplate'), { Runtime: 'container' });
      delete cs(s)['Env'];
      delete at(s, 'UpdateConfig')['Delay'];
      delete (at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1', 'VolumeOptions', 'DriverConfig') as Json)['Options'];
    });
    expect(checkEngineServiceSpec(inspected, policy)).toEqual([]);
  });

  it.each<[string, (s: Json) => void, string]>([
    ['a bind mount', (s) => ((cs(s)['Mounts'] as Json[])[0] = { Type: 'bind', Source: '/etc', Target: '/h' }), 'POLICY_BIND_MOUNT'],
    ['a bind of the docker socket', (s) => ((cs(s)['Mounts'] as Json[])[0] = { Type: 'bind', Source: '/run/docker.sock', Target: '/s' }), 'POLICY_DOCKER_SOCKET'],
    ['a named pipe', (s) => ((cs(s)['Mounts'] as Json[])[0] = { Type: 'npipe', Source: 'x', Target: '/n' }), 'POLICY_BIND_MOUNT'],
    ['bind options on a volume', (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1'), { BindOptions: { Propagation: 'rshared' } }), 'POLICY_BIND_MOUNT'],
    ['a procfs volume', (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1', 'VolumeOptions', 'DriverConfig'), { Options: { type: 'proc', device: 'proc' } }), 'POLICY_VOLUME_OPTIONS'],
    ['a volume bound with o=bind', (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1', 'VolumeOptions', 'DriverConfig'), { Options: { o: 'bind', device: '/etc' } }), 'POLICY_BIND_MOUNT'],
    ['a volume plugin', (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1', 'VolumeOptions', 'DriverConfig'), { Name: 'vieux/sshfs' }), 'POLICY_VOLUME_DRIVER'],
    ['a volume without a driver', (s) => delete at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1', 'VolumeOptions')['DriverConfig'], 'POLICY_VOLUME_DRIVER'],
    ["another tenant's volume", (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '1'), { Source: 'berth-t2-data' }), 'POLICY_VOLUME_NAME'],
    ['a tmpfs without a size', (s) => delete at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '0')['TmpfsOptions'], 'POLICY_TMPFS_SIZE'],
    ['a tmpfs larger than the memory limit', (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Mounts', '0', 'TmpfsOptions'), { SizeBytes: 129 * 1024 * 1024 }), 'POLICY_TMPFS_SIZE'],
    ['an image from another registry', (s) => Object.assign(cs(s), { Image: 'quay.io/x/y' }), 'POLICY_REGISTRY'],
    ['an image without a registry check', (s) => delete cs(s)['Image'], 'POLICY_REGISTRY'],
    ['disabled seccomp', (s) => Object.assign(cs(s), { Privileges: { Seccomp: { Mode: 'unconfined' } } }), 'POLICY_PRIVILEGED'],
    ['privileges spelled in lower case', (s) => Object.assign(cs(s), { privileges: { AppArmor: { Mode: 'disabled' } } }), 'POLICY_PRIVILEGED'],
    ['added capabilities', (s) => Object.assign(cs(s), { CapabilityAdd: ['SYS_ADMIN'] }), 'POLICY_CAPABILITIES'],
    ['sysctls', (s) => Object.assign(cs(s), { Sysctls: { 'kernel.x': '1' } }), 'POLICY_SYSCTLS'],
    ['a plugin task', (s) => Object.assign(at(s, 'TaskTemplate'), { PluginSpec: {} }), 'POLICY_PRIVILEGED'],
    ['a plugin runtime', (s) => Object.assign(at(s, 'TaskTemplate'), { Runtime: 'plugin' }), 'POLICY_PRIVILEGED'],
    ['published ports', (s) => Object.assign(at(s, 'EndpointSpec'), { Ports: [{ TargetPort: 80, PublishedPort: 80 }] }), 'POLICY_PUBLISHED_PORTS'],
    ['the host network', (s) => Object.assign(at(s, 'TaskTemplate'), { Networks: [{ Target: 'host' }] }), 'POLICY_HOST_NAMESPACE'],
    ['another network', (s) => Object.assign(at(s, 'TaskTemplate'), { Networks: [{ Target: 'other' }] }), 'POLICY_NETWORK'],
    ['a second network', (s) => Object.assign(at(s, 'TaskTemplate'), { Networks: [{ Target: 'net-1' }, { Target: 'net-1' }] }), 'POLICY_NETWORK'],
    ['the deprecated top-level networks', (s) => Object.assign(s, { Networks: [{ Target: 'net-1' }] }), 'POLICY_NETWORK'],
    ['manager placement', (s) => Object.assign(at(s, 'TaskTemplate', 'Placement'), { Constraints: ['NODE.ROLE==manager'] }), 'POLICY_MANAGER_PLACEMENT'],
    ['hostname placement', (s) => Object.assign(at(s, 'TaskTemplate', 'Placement'), { Constraints: ['node.hostname==node-1'] }), 'POLICY_PLACEMENT'],
    ['placement preferences', (s) => Object.assign(at(s, 'TaskTemplate', 'Placement'), { Preferences: [{ Spread: { SpreadDescriptor: 'node.id' } }] }), 'POLICY_PLACEMENT'],
    ['a hostname', (s) => Object.assign(cs(s), { Hostname: 'x' }), 'POLICY_UNKNOWN_FIELD'],
    ['a field Docker may add tomorrow', (s) => Object.assign(at(s, 'TaskTemplate', 'Resources', 'Limits'), { FutureKnob: 1 }), 'POLICY_UNKNOWN_FIELD'],
    ['a case variant of a known field', (s) => Object.assign(s, { taskTemplate: { ContainerSpec: { Image: 'quay.io/x' } } }), 'POLICY_DUPLICATE_FIELD'],
    ['a secret file owned by another user', (s) => Object.assign(at(s, 'TaskTemplate', 'ContainerSpec', 'Secrets', '0', 'File'), { UID: '1000' }), 'POLICY_MALFORMED_SPEC'],
  ])('refuses %s with %s', (_what, edit, code) => {
    expect(codes(edited(edit))).toContain(code);
  });

  it('refuses what it cannot read', () => {
    expect(codes(null)).toEqual(['POLICY_MALFORMED_SPEC']);
    expect(codes(edited((s) => Object.assign(cs(s), { Mounts: 'x' })))).toEqual(['POLICY_MALFORMED_SPEC']);
  });
});

/** Every path to an object inside `value` (arrays included). */
function objectPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectPaths(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  return [path, ...Object.entries(value).flatMap(([k, v]) => objectPaths(v, [...path, k]))];
}

describe('checkEngineServiceSpec over generated variants', () => {
  const seed = propertySeed(process.env);
  const paths = objectPaths(clean());
  const node = (s: Json, path: (string | number)[]): Json => path.reduce<Json>((cur, k) => cur[k] as Json, s);

  it('refuses an unknown key, a case variant or a case-duplicate key at any level', () => {
    console.info(`engine unknown-field property: seed ${seed} (replay with BERTH_PROPERTY_SEED=${seed})`);
    const edit = fc.record({
      path: fc.constantFrom(...paths),
      kind: fc.constantFrom('add', 'duplicate', 'rename'),
      key: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,15}$/),
      pick: fc.nat(),
      flips: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
    });
    fc.assert(
      fc.property(edit, ({ path, kind, key, pick, flips }) => {
        const s = clean();
        const target = node(s, path);
        const keys = Object.keys(target);
        const existing = keys[pick % Math.max(1, keys.length)];
        const variant = (k: string) => {
          const v = [...k].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
          return v === k ? (k === k.toLowerCase() ? k.toUpperCase() : k.toLowerCase()) : v;
        };
        if (kind === 'add' || existing === undefined) {
          fc.pre(!keys.some((k) => k.toLowerCase() === key.toLowerCase()));
          target[key] = 1;
        } else if (kind === 'duplicate') {
          target[variant(existing)] = target[existing];
        } else {
          target[variant(existing)] = target[existing];
          delete target[existing];
        }
        expect(checkEngineServiceSpec(s, policy).length).toBeGreaterThan(0);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('refuses every forbidden image and placement form in the final spec', () => {
    console.info(`engine image/placement property: seed ${seed} (replay with BERTH_PROPERTY_SEED=${seed})`);
    fc.assert(
      fc.property(fc.oneof(forbiddenImage.map((image) => ({ image })), forbiddenConstraint.map((constraint) => ({ constraint }))), (bad) => {
        const s = clean();
        if ('image' in bad) Object.assign(cs(s), { Image: bad.image });
        else Object.assign(at(s, 'TaskTemplate', 'Placement'), { Constraints: [bad.constraint] });
        expect(checkEngineServiceSpec(s, policy).length).toBeGreaterThan(0);
      }),
      { seed, numRuns: 500 },
    );
  });
});
