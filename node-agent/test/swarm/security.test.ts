import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceApplyData } from '@berth/protocol';
import { LABEL } from '../../src/docker/labels.ts';
import { createTestEdge, signCommand, tamper } from '../support/test-keys.ts';
import { createCommand, createHarness, type SwarmHarness } from './harness.ts';

let h: SwarmHarness;

beforeAll(async () => {
  h = await createHarness();
  await h.send({ kind: 'network.ensure', tenantId: h.tenantId, name: h.network });
});

afterAll(async () => {
  await h.cleanup();
});

async function servicesNamed(agentServiceId: string): Promise<number> {
  return (await h.docker.listServices([`${LABEL.tenant}=${h.tenantId}`, `${LABEL.agentService}=${agentServiceId}`])).length;
}

describe('command security on a real swarm', () => {
  it('applies the same command id twice as one service and answers the stored result', async () => {
    const jws = await signCommand(h.edge, createCommand(h, 'once'), { aud: h.agentId, seq: h.nextSeq(), jti: 'cmd-idempotent-0001' });
    const first = await h.processor.handle(jws);
    const second = await h.processor.handle(jws);
    expect([first.kind, second.kind]).toEqual(['executed', 'replayed']);
    expect(h.result(second)).toEqual(h.result(first));
    expect(await servicesNamed('as-once')).toBe(1);
  });

  it('refuses a validly signed spec that mounts the docker socket, and creates nothing', async () => {
    const cmd = createCommand(h, 'sock', { mounts: [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }] });
    expect(h.result(await h.send(cmd))).toMatchObject({ ok: false, error: { code: 'POLICY_DOCKER_SOCKET' } });
    const priv = createCommand(h, 'priv', { privileged: true, capAdd: ['SYS_ADMIN'] });
    expect(h.result(await h.send(priv))).toMatchObject({ ok: false, error: { code: 'POLICY_PRIVILEGED' } });
    expect(await servicesNamed('as-sock')).toBe(0);
    expect(await servicesNamed('as-priv')).toBe(0);
  });

  it('never executes tampered, foreign-key, wrong-audience, expired or lower-seq commands', async () => {
    const now = Math.floor(Date.now() / 1000);
    const mallory = await createTestEdge();
    const attempts = [
      ['tampered', tamper(await signCommand(h.edge, createCommand(h, 'x1'), { aud: h.agentId, seq: h.nextSeq() }))],
      ['foreign key', await signCommand(mallory, createCommand(h, 'x2'), { aud: h.agentId, seq: h.nextSeq() })],
      ['wrong audience', await signCommand(h.edge, createCommand(h, 'x3'), { aud: 'agent-other', seq: h.nextSeq() })],
      ['expired', await signCommand(h.edge, createCommand(h, 'x4'), { aud: h.agentId, seq: h.nextSeq(), iat: now - 300, exp: now - 240 })],
      ['lower seq', await signCommand(h.edge, createCommand(h, 'x5'), { aud: h.agentId, seq: 1 })],
    ] as const;
    const outcomes = [];
    for (const [, jws] of attempts) outcomes.push(await h.processor.handle(jws));
    expect(outcomes.map((o) => o.kind)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    for (const name of ['x1', 'x2', 'x3', 'x4', 'x5']) expect(await servicesNamed(`as-${name}`)).toBe(0);
  });

  it("cannot attach a service to another tenant's network", async () => {
    const other = await createHarness();
    try {
      await other.send({ kind: 'network.ensure', tenantId: other.tenantId, name: other.network });
      const cmd = { ...createCommand(h, 'hop'), network: other.network };
      expect(h.result(await h.send(cmd))).toMatchObject({ ok: false, error: { code: 'TENANT_MISMATCH' } });
      expect(await servicesNamed('as-hop')).toBe(0);
    } finally {
      await other.cleanup();
    }
  });

  it('mounts a tenant secret as a file readable by the service', async () => {
    const value = Buffer.from('s3cr3t-value').toString('base64');
    const ensured = h.result(await h.send({ kind: 'secret.ensure', tenantId: h.tenantId, name: 'api-key', swarmName: `berth-${h.tenantId}-api-key-1`, valueB64: value }));
    expect(ensured).toMatchObject({ ok: true, data: { created: true } });
    const cmd = {
      ...createCommand(h, 'sec', { secrets: ['api-key'], command: ['sh', '-c', 'cat /run/secrets/api_key; echo; exec sleep 3600'] }),
      secrets: [{ name: 'api-key', swarmName: `berth-${h.tenantId}-api-key-1`, target: 'api_key' }],
    };
    expect(h.result(await h.send(cmd)).ok).toBe(true);
    await expect
      .poll(async () => {
        const r = h.result(await h.send({ kind: 'logs.tail', tenantId: h.tenantId, agentServiceId: 'as-sec', tail: 10 }));
        return r.ok ? JSON.stringify(r.data) : '';
      }, { timeout: 15_000, interval: 250 })
      .toContain('s3cr3t-value');
  });

  it('removes a service\'s Swarm secret with it, but not one another service of the tenant still mounts', async () => {
    const swarmName = (n: string) => `berth-${h.tenantId}-${n}-1`;
    const ensure = async (n: string) =>
      expect(h.result(await h.send({ kind: 'secret.ensure', tenantId: h.tenantId, name: n, swarmName: swarmName(n), valueB64: Buffer.from(`value-${n}`).toString('base64') }))).toMatchObject({ ok: true });
    await ensure('own-key');
    await ensure('shared-key');
    const ref = (n: string) => ({ name: n, swarmName: swarmName(n), target: n.replace('-', '_') });
    const first = { ...createCommand(h, 'first', { secrets: ['own-key', 'shared-key'] }), secrets: [ref('own-key'), ref('shared-key')] };
    const second = { ...createCommand(h, 'second', { secrets: ['shared-key'] }), secrets: [ref('shared-key')] };
    expect(h.result(await h.send(first)).ok).toBe(true);
    expect(h.result(await h.send(second)).ok).toBe(true);

    expect(h.result(await h.send({ kind: 'service.remove', tenantId: h.tenantId, agentServiceId: 'as-first' }))).toEqual({ ok: true, data: { removed: true } });
    expect(await h.docker.inspectSecret(swarmName('own-key'))).toBeUndefined();
    expect(await h.docker.inspectSecret(swarmName('shared-key'))).toMatchObject({ name: swarmName('shared-key') });

    expect(h.result(await h.send({ kind: 'service.remove', tenantId: h.tenantId, agentServiceId: 'as-second' }))).toEqual({ ok: true, data: { removed: true } });
    expect(await h.docker.inspectSecret(swarmName('shared-key'))).toBeUndefined();
  });

  it('still removes a service\'s own secret when a crash already took the service (the retry finds it by label)', async () => {
    const swarmName = `berth-${h.tenantId}-crash-key-1`;
    const ensured = h.result(await h.send({ kind: 'secret.ensure', tenantId: h.tenantId, agentServiceId: 'as-crashed', name: 'crash-key', swarmName, valueB64: Buffer.from('v').toString('base64') }));
    expect(ensured).toMatchObject({ ok: true, data: { created: true } });
    const cmd = { ...createCommand(h, 'crashed', { secrets: ['crash-key'] }), secrets: [{ name: 'crash-key', swarmName, target: 'crash_key' }] };
    const created = h.result(await h.send(cmd));
    const serviceId = ServiceApplyData.parse(created.ok ? created.data : undefined).swarmServiceId;
    // The first attempt died after removing the service, before its secrets.
    await h.engine.getService(serviceId).remove();
    expect(await h.docker.inspectSecret(swarmName)).toMatchObject({ labels: { [LABEL.agentService]: 'as-crashed' } });

    expect(h.result(await h.send({ kind: 'service.remove', tenantId: h.tenantId, agentServiceId: 'as-crashed' }))).toEqual({ ok: true, data: { removed: false } });
    expect(await h.docker.inspectSecret(swarmName)).toBeUndefined();
  });
});
