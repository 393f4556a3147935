import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

/** A stored command that no longer reads (hand-edited, or from an older schema) fails alone. */
describe('an outbox row whose payload is unreadable', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness();
    await h.setupAdmin();
  });
  afterAll(() => h.close());

  it('ends failed with INVALID_COMMAND, and the commands behind it are still delivered', async () => {
    const owner = await h.signUp('unreadable-owner@example.com');
    const tenant = await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'unreadable', slug: 'unreadable' } });
    const first = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', '/api/v1/tenants/unreadable/clusters', 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, first.joinToken);
    const insert = (id: string, payload: string, at: number) =>
      h.client.execute({
        sql: `INSERT INTO command (id, cluster_id, tenant_id, kind, payload, status, actor_type, created_at) VALUES (?, ?, ?, 'service.restart', ?, 'queued', 'system', ?)`,
        args: [id, first.cluster.id, tenant.id, payload, at],
      });
    await insert('not-json', 'not json {', 1);
    await insert('not-a-command', JSON.stringify({ kind: 'service.restart', unexpected: true }), 2);

    await agent.connect();
    await h.json('POST', '/api/v1/tenants/unreadable/agents', 202, { cookie: owner.cookie, body: { name: 'gw', image: 'berth-test/busybox:1' } });

    await expect.poll(() => agent.received.map((r) => r.cmd.kind)).toEqual(['network.ensure', 'service.create']);
    const rows = await h.client.execute(`SELECT id, status, result FROM command WHERE id IN ('not-json', 'not-a-command') ORDER BY id`);
    expect(rows.rows.map((r) => ({ id: r.id, status: r.status, code: JSON.parse(String(r.result)).error.code }))).toEqual([
      { id: 'not-a-command', status: 'failed', code: 'INVALID_COMMAND' },
      { id: 'not-json', status: 'failed', code: 'INVALID_COMMAND' },
    ]);
  });
});
