import fc from 'fast-check';
import type { AdmissionPolicy } from '../admission.ts';
import type { MountSpec } from '../agent-service-spec.ts';

/**
 * fast-check generators of spec variants for admission tests at the edge and at the agent. Each
 * `forbidden*` arbitrary yields only forms the policy below must refuse; each `allowed*` arbitrary
 * only forms it must admit. Imported by tests only (`@berth/protocol/testing`).
 */

/** The policy the generators are written against. */
export const casePolicy: AdmissionPolicy = {
  allowedRegistries: ['berth-test', 'ghcr.io/acme'],
  allowManagerPlacement: false,
  allowedPlacementLabels: ['zone', 'berth.pool'],
  volumeDriver: 'local',
};

/** Seed for a property run: `BERTH_PROPERTY_SEED` when set (to replay), else fresh; the caller prints it. */
export function propertySeed(env: Record<string, string | undefined>): number {
  const fixed = Number(env['BERTH_PROPERTY_SEED']);
  return Number.isInteger(fixed) ? fixed : Date.now() % 2_147_483_647;
}

/** Every spelling of a word: each letter upper or lower case. */
export const anyCase = (word: string): fc.Arbitrary<string> =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) => [...word].map((ch, i) => (up[i] ? ch.toUpperCase() : ch.toLowerCase())).join(''));

const blanks = fc.constantFrom('', ' ', '  ', '\t');
const name = fc.stringMatching(/^[a-z0-9]{1,12}$/);

// ---------- volumes ----------

const DANGEROUS_OPTIONS: Record<string, string>[] = [
  { type: 'proc', device: 'proc' },
  { type: 'sysfs', device: 'sysfs' },
  { type: 'ext4', device: '/dev/sda1' },
  { type: 'xfs', device: '/dev/nvme0n1p1' },
  { type: 'overlay', device: 'overlay', o: 'lowerdir=/,upperdir=/tmp/u,workdir=/tmp/w' },
  { type: 'nfs', o: 'addr=10.0.0.1,rw', device: ':/export' },
  { type: 'cifs', o: 'username=x,password=y', device: '//10.0.0.1/share' },
  { type: 'tmpfs', device: 'tmpfs', o: 'size=100g' },
  { type: 'none', o: 'bind', device: '/etc' },
  { o: 'rbind', device: '/' },
  { type: 'devpts', device: 'devpts' },
  { type: 'cgroup2', device: 'cgroup2' },
  { type: 'btrfs', device: '/dev/sdb', o: 'subvol=/' },
];

/** Driver options: every known dangerous combination, with keys and values in any case, plus random ones. */
const driverOptions: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constantFrom(...DANGEROUS_OPTIONS).chain((opts) =>
    fc.tuple(...Object.entries(opts).map(([k, v]) => fc.tuple(anyCase(k), fc.constantFrom(v, v.toUpperCase())))).map((pairs) => Object.fromEntries(pairs)),
  ),
  fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,15}$/), fc.string({ maxLength: 40 }), { minKeys: 1, maxKeys: 4 }),
);

/** Drivers other than `local`: plugins, case variants of `local`, look-alikes. */
const otherDriver = fc.oneof(
  fc.constantFrom('vieux/sshfs', 'rexray/ebs:latest', 'nfs', 'cifs', 'convoy', 'local-persist', 'local ', ' local', 'locals', 'overlay2', 'tmpfs', 'none'),
  anyCase('local').filter((d) => d !== 'local'),
  fc.stringMatching(/^[a-z][a-z0-9/_.:-]{0,20}$/).filter((d) => d !== 'local'),
);

/** Volume mounts the policy refuses: another driver and/or any driver option. */
export const forbiddenVolumeMount: fc.Arbitrary<MountSpec> = fc
  .record({ source: name, driver: fc.option(fc.oneof(otherDriver, fc.constant('local')), { nil: undefined }), options: fc.option(driverOptions, { nil: undefined }) })
  .filter((r) => (r.driver !== undefined && r.driver !== 'local') || r.options !== undefined)
  .map((r) => ({ type: 'volume', source: r.source, target: '/data', volumeOptions: { ...(r.driver !== undefined ? { driver: r.driver } : {}), ...(r.options ? { driverOptions: r.options } : {}) } }));

/** Other mounts the policy refuses: host paths in any form, oversized or optioned tmpfs, sized volumes. */
export const forbiddenOtherMount = (memoryMb: number): fc.Arbitrary<MountSpec> =>
  fc.oneof(
    fc.constantFrom('/', '/etc', '/proc', '/sys', '/var/run/docker.sock', '/dev', '//etc/../').map((source): MountSpec => ({ type: 'bind', source, target: '/h' })),
    fc.constantFrom('/', '/etc', '/proc', '/var/lib/docker').map((source): MountSpec => ({ type: 'volume', source, target: '/h' })),
    fc.constantFrom('../x', 'a/b', '.hidden', 'x y', '-x', '').map((source): MountSpec => ({ type: 'volume', source, target: '/h' })),
    fc.integer({ min: memoryMb + 1, max: 1024 }).map((sizeMb): MountSpec => ({ type: 'tmpfs', target: '/t', sizeMb })),
    driverOptions.map((driverOptions): MountSpec => ({ type: 'tmpfs', target: '/t', volumeOptions: { driverOptions } })),
    fc.integer({ min: 1, max: 1024 }).map((sizeMb): MountSpec => ({ type: 'volume', source: 'data', target: '/d', sizeMb })),
  );

/** Mounts the policy admits: a plain named volume (optionally naming the cluster driver) or a tmpfs within `memoryMb`. */
export const allowedMount = (memoryMb: number): fc.Arbitrary<MountSpec> =>
  fc.oneof(
    fc.record({ source: name, named: fc.boolean(), readOnly: fc.boolean() }).map((r): MountSpec => ({ type: 'volume', source: r.source, target: `/v-${r.source}`, readOnly: r.readOnly, ...(r.named ? { volumeOptions: { driver: 'local' } } : {}) })),
    fc.option(fc.integer({ min: 1, max: memoryMb }), { nil: undefined }).map((sizeMb): MountSpec => ({ type: 'tmpfs', target: '/scratch', ...(sizeMb !== undefined ? { sizeMb } : {}) })),
  );

// ---------- placement ----------

const op = fc.constantFrom('==', '!=');
const constraint = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.tuple(blanks, key, blanks, op, blanks, value, blanks).map((p) => p.join(''));

/** Manager pinning in every spelling Swarm reads as `node.role`. */
export const managerConstraint = fc.oneof(
  fc.tuple(blanks, anyCase('node.role'), blanks, blanks, anyCase('manager')).map(([a, k, b, c, v]) => `${a}${k}${b}==${c}${v}`),
  fc.tuple(blanks, anyCase('node.role'), blanks, blanks, anyCase('worker')).map(([a, k, b, c, v]) => `${a}${k}${b}!=${c}${v}`),
);

/** Constraints outside the allowlist: node.role/hostname/id/ip/platform, engine labels, other or case-varied label keys. */
export const forbiddenConstraint: fc.Arbitrary<string> = fc.oneof(
  managerConstraint,
  constraint(fc.constantFrom('node.hostname', 'node.id', 'node.ip', 'node.platform.os', 'node.platform.arch').chain(anyCase), name),
  constraint(fc.tuple(anyCase('engine.labels.'), name).map(([p, k]) => p + k), name),
  constraint(name.filter((k) => !casePolicy.allowedPlacementLabels.includes(k)).map((k) => `node.labels.${k}`), name),
  constraint(fc.tuple(anyCase('node.labels.'), anyCase('zone')).map(([p, k]) => p + k).filter((k) => k !== 'node.labels.zone'), name),
  fc.constantFrom('node.labels.zone==a==b', 'node.labels.zone!=a==b', 'node.labels.zone', 'node.labels.zone=a', 'node.labels.zone==', 'node.labels.zone==a\nnode.role==manager', 'node.labels.zone==$(x)'),
);

/** Constraints the policy admits: allowed label keys, and node.role forms that keep tasks off managers. */
export const allowedConstraint: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...casePolicy.allowedPlacementLabels), fc.constantFrom('==', ' == ', '!=', ' != '), fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}$/)).map(([k, o, v]) => `node.labels.${k}${o}${v}`),
  fc.constantFrom('node.role==worker', 'node.role != manager'),
);

// ---------- images ----------

const tag = fc.constantFrom('', ':1', ':latest', ':v1.2.3', `@sha256:${'a'.repeat(64)}`, `:1@sha256:${'b'.repeat(64)}`);
const repo = fc.stringMatching(/^[a-z0-9]+(-[a-z0-9]+)?$/).filter((r) => r.length <= 20);

/** Image references from outside `casePolicy.allowedRegistries`, in every form Docker accepts. */
export const forbiddenImage: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('Evil', 'LOCALHOST', 'Berth-test', 'BERTH-TEST', 'eVil', 'Ghcr'), repo, tag).map(([h, r, t]) => `${h}/${r}${t}`),
  fc.tuple(fc.constantFrom('evil.example.com', 'localhost', 'localhost:5000', 'ghcr.io', 'ghcr.io.evil.com', 'quay.io', '127.0.0.1:5000', '[::1]:5000'), repo, tag).map(([h, r, t]) => `${h}/${r}${t}`),
  fc.tuple(fc.constantFrom('', 'docker.io/', 'docker.io/library/', 'index.docker.io/', 'index.docker.io/library/'), repo, tag).map(([h, r, t]) => `${h}${r}${t}`),
  fc.tuple(fc.constantFrom('docker.io/', 'index.docker.io/', ''), fc.constantFrom('berth-test-evil', 'berth', 'other', 'acme'), repo, tag).map(([h, n, r, t]) => `${h}${n}/${r}${t}`),
  fc.tuple(fc.constantFrom('ghcr.io/other', 'ghcr.io/acme-evil', 'GHCR.IO/other', 'ghcr.io:443/acme'), repo, tag).map(([h, r, t]) => `${h}/${r}${t}`),
  fc.constantFrom('berth-test/busybox/', 'berth-test//busybox', '/berth-test/busybox', 'berth-test/BusyBox', 'a'.repeat(64)),
);

/** Image references from `casePolicy.allowedRegistries`, in every form Docker accepts. */
export const allowedImage: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('', 'docker.io/', 'index.docker.io/'), repo, tag).map(([h, r, t]) => `${h}berth-test/${r}${t}`),
  fc.tuple(fc.constantFrom('ghcr.io', 'GHCR.IO', 'Ghcr.io'), repo, tag).map(([h, r, t]) => `${h}/acme/${r}${t}`),
);
