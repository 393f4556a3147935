import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { addMember, createTenant, mintToken } from '../support/tenant-members.ts';
import { FakeAgent } from './fake-agent.ts';

type User = Awaited<ReturnType<Harness['signUp']>>;

/** What a member or a token queued goes out only while its author still holds the authority to ask for it. */
describe('commands whose author lost their authority', () => {
  let h: Harness;
  let platformAdmin: User;
  let owner: User;
  let n = 0;

  beforeAll(async () => {
    h = await createHarness();
    platformAdmin = await h.setupAdmin();
    owner = await h.signUp('queue-owner@example.com');
  });
  afterAll(() => h.close());

  /**
   * A tenant with its own cluster (no agent online yet), and a service created through an
   * operator token minted by an admin member: its commands wait in the queue.
   */
  async function queuedByToken() {
    const slug = await createTenant(h, owner, 'q');
    const cluster = await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const creator = await h.signUp(`queue-creator-${++n}@example.com`);
    await addMember(h, owner, slug, creator, 'admin');
    const { token } = await mintToken(h, creator, slug, 'operator');
    const svc = await h.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, { token, body: { name: 'from-ci', image: 'berth-test/busybox:1' } });
    return { slug, creator, svc, joinToken: cluster.joinToken };
  }

  async function expectCancelledOnDelivery(q: { slug: string; svc: { id: string }; joinToken: string }) {
    const agent = await FakeAgent.enroll(h, q.joinToken);
    await agent.connect();
    await expect.poll(async () => (await h.json<{ status: string }>('GET', `/api/v1/tenants/${q.slug}/agents/from-ci`, 200, { cookie: owner.cookie })).status).toBe('failed');
    expect(agent.received).toEqual([]);
    const rows = await h.client.execute({ sql: 'SELECT status FROM command WHERE agent_service_id = ?', args: [q.svc.id] });
    expect(rows.rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.rows.map((r) => String(r.status))).toEqual(rows.rows.map(() => 'cancelled'));
  }

  it("cancels a token's commands when its creator is removed from the tenant", async () => {
    const q = await queuedByToken();
    await h.json('DELETE', `/api/v1/tenants/${q.slug}/members/${q.creator.userId}`, 200, { cookie: owner.cookie });
    await expectCancelledOnDelivery(q);
  });

  it("cancels a token's commands when its creator is deactivated", async () => {
    const q = await queuedByToken();
    await h.json('POST', `/api/v1/admin/users/${q.creator.userId}/deactivate`, 200, { cookie: platformAdmin.cookie });
    await expectCancelledOnDelivery(q);
  });

  it("cancels a token's commands when its creator is demoted below operator", async () => {
    const q = await queuedByToken();
    await h.json('PATCH', `/api/v1/tenants/${q.slug}/members/${q.creator.userId}`, 200, { cookie: owner.cookie, body: { role: 'viewer' } });
    await expectCancelledOnDelivery(q);
  });

  it("sends a token's commands while its creator keeps their role", async () => {
    const q = await queuedByToken();
    const agent = await FakeAgent.enroll(h, q.joinToken);
    await agent.connect();
    await expect.poll(() => agent.received.map((r) => r.cmd.kind)).toEqual(['network.ensure', 'service.create']);
  });

  it('cancels what a member queued once they are removed from the tenant', async () => {
    const slug = await createTenant(h, owner, 'q');
    const cluster = await h.json<{ joinToken: string }>('POST', `/api/v1/tenants/${slug}/clusters`, 201, { cookie: owner.cookie, body: { name: 'own' } });
    const operator = await h.signUp(`queue-operator-${++n}@example.com`);
    await addMember(h, owner, slug, operator, 'operator');
    const svc = await h.json<{ id: string }>('POST', `/api/v1/tenants/${slug}/agents`, 202, { cookie: operator.cookie, body: { name: 'from-ci', image: 'berth-test/busybox:1' } });
    await h.json('DELETE', `/api/v1/tenants/${slug}/members/${operator.userId}`, 200, { cookie: owner.cookie });
    await expectCancelledOnDelivery({ slug, svc, joinToken: cluster.joinToken });
  });
});
