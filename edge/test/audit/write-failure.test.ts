import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Tenant } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';

describe('a change whose audit row cannot be written', () => {
  let h: Harness;
  let cookie: string | undefined;
  beforeAll(async () => {
    h = await createHarness();
    ({ cookie } = await h.signUp('careful@example.com'));
  });
  afterEach(async () => {
    await h.client.execute('DROP TRIGGER IF EXISTS audit_offline');
    await h.client.execute('DROP TRIGGER IF EXISTS lose_race');
  });
  afterAll(() => h.close());

  const tenantRow = async (id: string) => (await h.client.execute({ sql: 'SELECT name, slug, updated_at FROM tenant WHERE id = ?', args: [id] })).rows[0];
  const auditCount = async () => Number((await h.client.execute('SELECT count(*) AS n FROM audit_log')).rows[0]?.n);

  it('is refused with a 5xx and leaves the tenant as it was', async () => {
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Steady', slug: 'steady' } });
    const before = { tenant: { ...(await tenantRow(t.id)) }, audit: await auditCount() };
    await h.client.execute("CREATE TRIGGER audit_offline BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit offline'); END");

    const res = await h.call('PATCH', `/api/v1/tenants/${t.id}`, { cookie, body: { name: 'Changed', slug: 'changed' } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const body = await res.text();
    expect(body).not.toContain('audit offline'); // the driver's message stays out of the answer
    expect({ tenant: { ...(await tenantRow(t.id)) }, audit: await auditCount() }).toEqual(before);
  });

  it('succeeds again, on an intact chain, once the audit log is writable', async () => {
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Recovers', slug: 'recovers' } });
    await h.client.execute("CREATE TRIGGER audit_offline BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit offline'); END");
    expect((await h.call('PATCH', `/api/v1/tenants/${t.id}`, { cookie, body: { name: 'Lost' } })).status).toBeGreaterThanOrEqual(500);
    await h.client.execute('DROP TRIGGER audit_offline');

    await expectJson(h, Tenant, 'PATCH', `/api/v1/tenants/${t.id}`, 200, { cookie, body: { name: 'Kept' } });
    expect((await tenantRow(t.id))?.name).toBe('Kept');
    const verify = await h.json('GET', `/api/v1/tenants/${t.id}/audit/verify`, 200, { cookie });
    expect(verify).toMatchObject({ ok: true, count: 2 });
  });

  it('still answers 409 when the change itself loses a uniqueness race, and writes nothing', async () => {
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Racy', slug: 'racy' } });
    const before = { tenant: { ...(await tenantRow(t.id)) }, audit: await auditCount() };
    // Stands in for a concurrent writer: the update collides with an existing primary key.
    await h.client.execute('CREATE TRIGGER lose_race BEFORE UPDATE ON tenant BEGIN INSERT INTO tenant_quota SELECT * FROM tenant_quota WHERE tenant_id = NEW.id; END');
    const res = await h.call('PATCH', `/api/v1/tenants/${t.id}`, { cookie, body: { name: 'Never' } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'CONFLICT' } });
    expect({ tenant: { ...(await tenantRow(t.id)) }, audit: await auditCount() }).toEqual(before);
  });
});
