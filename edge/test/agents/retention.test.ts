import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { FakeAgent } from './fake-agent.ts';

const DAY_MS = 24 * 60 * 60_000;

/** Finished commands (their payloads hold env values) and old status events are pruned; the audit chain never is. */
describe('retention', () => {
  let h: Harness;
  let offsetMs = 0;

  beforeAll(async () => {
    h = await createHarness({ BERTH_RETENTION_COMMANDS_DAYS: '7', BERTH_RETENTION_EVENTS_DAYS: '30' }, { now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => h.close());

  const rows = async (sql: string, args: string[] = []) => (await h.client.execute({ sql, args })).rows.map((r) => ({ ...r }));

  it('prunes finished commands after BERTH_RETENTION_COMMANDS_DAYS and events after BERTH_RETENTION_EVENTS_DAYS, keeping pending commands and the audit log', async () => {
    await h.setupAdmin();
    const owner = await h.signUp('retention-owner@example.com');
    const tenant = await h.json<{ id: string }>('POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'retention', slug: 'retention' } });
    const join = await h.json<{ joinToken: string; cluster: { id: string } }>('POST', '/api/v1/tenants/retention/clusters', 201, { cookie: owner.cookie, body: { name: 'own' } });
    const agent = await FakeAgent.enroll(h, join.joinToken);
    await agent.connect();
    await h.json('POST', '/api/v1/tenants/retention/agents', 202, { cookie: owner.cookie, body: { name: 'web', image: 'berth-test/busybox:1', env: { API_KEY: 'env-value-to-forget' } } });
    await expect.poll(() => agent.received.length).toBe(2);
    for (const c of agent.received.splice(0)) await agent.reply(c);
    expect(JSON.stringify(await rows("SELECT payload FROM command WHERE status = 'done'"))).toContain('env-value-to-forget');
    const audit = await rows('SELECT chain, seq, hash FROM audit_log ORDER BY chain, seq');

    // Eight days on: a command still queued (no agent) is kept, the finished ones are gone.
    offsetMs = 8 * DAY_MS;
    agent.disconnect();
    await h.json('POST', '/api/v1/tenants/retention/agents/web/scale', 202, { cookie: owner.cookie, body: { replicas: 2 } });
    await h.agents.tick();
    expect(JSON.stringify(await rows('SELECT payload FROM command'))).not.toContain('env-value-to-forget');
    expect((await rows('SELECT kind, status FROM command WHERE cluster_id = ?', [join.cluster.id])).filter((r) => r.kind !== 'reconcile')).toEqual([{ kind: 'service.scale', status: 'queued' }]);
    expect((await rows('SELECT count(*) AS n FROM agent_service_event WHERE tenant_id = ?', [tenant.id]))[0]?.n).toBeGreaterThan(0);

    // Thirty-one days on: the status events of the first day are gone too; the audit log is whole.
    offsetMs = 31 * DAY_MS;
    await h.agents.tick();
    const events = await rows('SELECT at FROM agent_service_event WHERE tenant_id = ?', [tenant.id]);
    expect(events.every((e) => Number(e.at) >= Date.now() + 8 * DAY_MS - 60_000)).toBe(true);
    const after = await rows('SELECT chain, seq, hash FROM audit_log ORDER BY chain, seq');
    expect(after).toEqual(expect.arrayContaining(audit));
    expect(after.length).toBeGreaterThan(audit.length);
    const verify = await h.json<{ ok: boolean }>('GET', `/api/v1/tenants/${tenant.id}/audit/verify`, 200, { cookie: owner.cookie });
    expect(verify.ok).toBe(true);
  });
});
