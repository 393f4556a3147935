import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconcileData } from '@berth/protocol';
import { LABEL } from '../../src/docker/labels.ts';
import { createCommand, createHarness, type SwarmHarness, type UpsertCommand } from './harness.ts';

let h: SwarmHarness;

beforeAll(async () => {
  h = await createHarness();
  await h.send({ kind: 'network.ensure', tenantId: h.tenantId, name: h.network });
});

afterAll(async () => {
  await h.cleanup();
});

function entry(cmd: UpsertCommand) {
  const { kind: _kind, ...desired } = cmd;
  return { tenantId: desired.tenantId, agentServiceId: desired.agentServiceId, specHash: desired.specHash, desired };
}

// Scoped to this test's tenant so that it never prunes other Berth services on the same engine.
describe('reconcile on a real swarm', () => {
  it('repairs drift: recreates a deleted service, updates a stale one and removes an unwanted one', async () => {
    const keep = createCommand(h, 'keep');
    const lost = createCommand(h, 'lost');
    const stale = createCommand(h, 'stale');
    const unwanted = createCommand(h, 'unwanted');
    for (const c of [keep, lost, stale, unwanted]) expect(h.result(await h.send(c)).ok).toBe(true);
    // Drift made behind the agent's back.
    const [lostSvc] = await h.docker.listServices([`${LABEL.tenant}=${h.tenantId}`, `${LABEL.agentService}=as-lost`]);
    await h.engine.getService(lostSvc?.id ?? '').remove();

    const newer = createCommand(h, 'stale', { env: { V: '2' } }, 'hash-stale-0002');
    const result = h.result(await h.send({ kind: 'reconcile', tenantIds: [h.tenantId], services: [entry(keep), entry(lost), entry(newer)] }));
    expect(result.ok).toBe(true);
    const data = ReconcileData.parse(result.ok ? result.data : undefined);
    expect(data.inSync).toBe(1);
    expect(data.drift.map((d) => [d.agentServiceId, d.drift, d.repaired]).sort()).toEqual([
      ['as-lost', 'missing', true],
      ['as-stale', 'hash_mismatch', true],
      ['as-unwanted', 'unwanted', true],
    ]);
    const now = await h.docker.listServices([`${LABEL.tenant}=${h.tenantId}`]);
    expect(now.map((s) => [s.labels[LABEL.agentService], s.labels[LABEL.specHash]]).sort()).toEqual([
      ['as-keep', 'hash-keep-0001'],
      ['as-lost', 'hash-lost-0001'],
      ['as-stale', 'hash-stale-0002'],
    ]);
  });
});
