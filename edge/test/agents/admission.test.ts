import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

type Caller = Awaited<ReturnType<Harness['signUp']>>;

/** Every forbidden spec form is refused at the edge, before anything is stored or queued. */
describe('admission at the edge', () => {
  let h: Harness;
  let owner: Caller;
  const slug = 'admission';
  const base = { image: 'berth-test/busybox:1', replicas: 1, limits: { cpu: 0.1, memoryMb: 16 } };

  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.setupAdmin();
    await h.json('POST', '/api/v1/clusters', 201, { cookie: admin.cookie, body: { name: 'shared', allowManagerPlacement: false, allowedRegistries: ['berth-test', 'ghcr.io/acme'], allowedPlacementLabels: ['zone'] } });
    owner = await h.signUp('admission-owner@example.com');
    await h.json('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Admission', slug } });
  });
  afterAll(() => h.close());

  const cases: [string, Record<string, unknown>, string][] = [
    ['a bind mount', { mounts: [{ type: 'bind', source: '/etc', target: '/host-etc' }] }, 'POLICY_BIND_MOUNT'],
    ['a volume whose driver options bind', { mounts: [{ type: 'volume', source: 'data', target: '/data', volumeOptions: { driverOptions: { type: 'none', o: 'bind', device: '/srv/data' } } }] }, 'POLICY_BIND_MOUNT'],
    ['the Docker socket', { mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }] }, 'POLICY_DOCKER_SOCKET'],
    ['privileged mode', { privileged: true }, 'POLICY_PRIVILEGED'],
    ['the host network', { networkMode: 'host' }, 'POLICY_HOST_NAMESPACE'],
    ['the host PID namespace', { pidMode: 'host' }, 'POLICY_HOST_NAMESPACE'],
    ['the host IPC namespace', { ipcMode: 'host' }, 'POLICY_HOST_NAMESPACE'],
    ['added capabilities', { capAdd: ['NET_ADMIN'] }, 'POLICY_CAPABILITIES'],
    ['devices', { devices: ['/dev/kmsg'] }, 'POLICY_DEVICES'],
    ['sysctls', { sysctls: { 'net.ipv4.ip_forward': '1' } }, 'POLICY_SYSCTLS'],
    ['a published host port', { ports: [{ target: 80, published: 8080, mode: 'host' }] }, 'POLICY_PUBLISHED_PORTS'],
    ['placement on managers', { placement: { constraints: ['node.role==manager'] } }, 'POLICY_MANAGER_PLACEMENT'],
    ['placement on managers spelled in upper case', { placement: { constraints: ['NODE.ROLE==manager'] } }, 'POLICY_MANAGER_PLACEMENT'],
    ['placement pinned to a hostname', { placement: { constraints: ['node.hostname==manager-1'] } }, 'POLICY_PLACEMENT'],
    ['placement on a node label the cluster does not allow', { placement: { constraints: ['node.labels.rack==r1'] } }, 'POLICY_PLACEMENT'],
    ['the host procfs as a volume', { mounts: [{ type: 'volume', source: 'p', target: '/p', volumeOptions: { driver: 'local', driverOptions: { type: 'proc', device: 'proc' } } }] }, 'POLICY_VOLUME_OPTIONS'],
    ['a host block device as a volume', { mounts: [{ type: 'volume', source: 'd', target: '/d', volumeOptions: { driverOptions: { type: 'ext4', device: '/dev/sda1' } } }] }, 'POLICY_VOLUME_OPTIONS'],
    ['a volume plugin', { mounts: [{ type: 'volume', source: 'd', target: '/d', volumeOptions: { driver: 'vieux/sshfs' } }] }, 'POLICY_VOLUME_DRIVER'],
    ['a tmpfs larger than the memory limit', { mounts: [{ type: 'tmpfs', target: '/t', sizeMb: 17 }] }, 'POLICY_TMPFS_SIZE'],
    ['an image from another registry', { image: 'evil.example.com/miner:latest' }, 'POLICY_REGISTRY'],
    ['a Docker Hub image outside the allowed namespaces', { image: 'alpine:3' }, 'POLICY_REGISTRY'],
    ['an image from a registry host spelled in upper case', { image: 'Evil/app:1' }, 'POLICY_REGISTRY'],
    ['an image from LOCALHOST', { image: 'LOCALHOST/app' }, 'POLICY_REGISTRY'],
  ];

  for (const [what, extra, code] of cases) {
    it(`refuses ${what} with ${code} and stores nothing`, async () => {
      const before = await h.client.execute('SELECT (SELECT count(*) FROM agent_service) AS s, (SELECT count(*) FROM command) AS c');
      const res = await h.call('POST', `/api/v1/tenants/${slug}/agents`, { cookie: owner.cookie, body: { name: 'forbidden', ...base, ...extra } });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; details: { violations: { code: string }[] } } };
      expect(body.error.code).toBe('ADMISSION_DENIED');
      expect(body.error.details.violations.map((v) => v.code)).toContain(code);
      const after = await h.client.execute('SELECT (SELECT count(*) FROM agent_service) AS s, (SELECT count(*) FROM command) AS c');
      expect(after.rows[0]).toEqual(before.rows[0]);
    });
  }

  it('refuses a forbidden form added later by PATCH, leaving the spec as it was', async () => {
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'clean', ...base } });
    const res = await h.call('PATCH', `/api/v1/tenants/${slug}/agents/clean`, { cookie: owner.cookie, body: { privileged: true } });
    expect(res.status).toBe(422);
    const details = await h.json<{ spec: Record<string, unknown> }>('GET', `/api/v1/tenants/${slug}/agents/clean`, 200, { cookie: owner.cookie });
    expect(details.spec.privileged).toBeUndefined();
  });

  it('accepts a named volume, a sized tmpfs and placement on an allowed node label', async () => {
    const extra = { mounts: [{ type: 'volume', source: 'data', target: '/data' }, { type: 'tmpfs', target: '/tmp', sizeMb: 8 }], placement: { constraints: ['node.labels.zone==a', 'node.role==worker'] } };
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'allowed-mounts', ...base, ...extra } });
  });

  it('accepts an image from an allowed registry prefix', async () => {
    await h.json('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: owner.cookie, body: { name: 'allowed', ...base, image: 'ghcr.io/acme/gateway:1.2' } });
  });

  it('never returns secret values, and stores them sealed', async () => {
    const created = await h.json<Record<string, unknown>>('POST', `/api/v1/tenants/${slug}/agents`, 202, {
      cookie: owner.cookie,
      body: { name: 'with-secret', ...base, secrets: { OPENAI_KEY: 'sk-very-secret-value' } },
    });
    const listed = await h.call('GET', `/api/v1/tenants/${slug}/agents/with-secret`, { cookie: owner.cookie });
    const text = JSON.stringify(created) + (await listed.text());
    expect(text).not.toContain('sk-very-secret-value');
    expect(text).toContain('OPENAI_KEY');
    const stored = await h.client.execute('SELECT ciphertext FROM agent_service_secret');
    const outbox = await h.client.execute('SELECT payload FROM command');
    const rawDb = JSON.stringify(stored.rows) + JSON.stringify(outbox.rows);
    expect(rawDb).not.toContain('sk-very-secret-value');
    expect(rawDb).not.toContain(Buffer.from('sk-very-secret-value').toString('base64'));
    expect(h.logger.lines.join('\n')).not.toContain('sk-very-secret-value');
  });
});
