import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Caller, type Harness } from '../support/harness.ts';
import { addMember, createTenant, mintToken } from '../support/tenant-members.ts';
import { count, openEvents, type OpenStream } from '../support/event-stream.ts';

type User = Awaited<ReturnType<Harness['signUp']>>;

const KEEPALIVE_MS = 150;
/** What a shared, loaded machine may add on top of one keep-alive (the check itself is a few queries). */
const SLACK_MS = 850;

/**
 * An event stream lives only as long as its caller's authorization: every keep-alive re-runs
 * authentication and authorization, and the stream ends within one keep-alive of a change.
 */
describe('event streams re-checked on every keep-alive', () => {
  let h: Harness;
  let platformAdmin: User;
  let owner: User;
  let n = 0;
  const open: OpenStream[] = [];

  beforeAll(async () => {
    h = await createHarness({ BERTH_SSE_KEEPALIVE_MS: String(KEEPALIVE_MS) });
    platformAdmin = await h.setupAdmin();
    owner = await h.signUp('stream-owner@example.com');
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.hangUp()));
    h.close();
  });

  async function member(slug: string, role: 'admin' | 'viewer') {
    const user = await h.signUp(`stream-member-${++n}@example.com`);
    await addMember(h, owner, slug, user, role);
    return user;
  }

  /** Opens the stream and waits until it has passed a keep-alive check while still authorized. */
  async function live(slug: string, caller: Caller): Promise<OpenStream> {
    const s = await openEvents(h, slug, caller);
    open.push(s);
    await expect.poll(() => s.text).toContain(': keep-alive');
    expect(s.closedAt).toBeUndefined();
    return s;
  }

  /** Runs `revoke` and expects the stream to end within one keep-alive of it. */
  async function endsAfter(s: OpenStream, revoke: () => Promise<unknown>) {
    await revoke();
    const revokedAt = performance.now();
    await s.ended;
    expect((s.closedAt ?? Infinity) - revokedAt).toBeLessThan(KEEPALIVE_MS + SLACK_MS);
  }

  it('stays open and keeps delivering while the caller may read', async () => {
    const slug = await createTenant(h, owner, 'sse');
    const viewer = await member(slug, 'viewer');
    const s = await live(slug, { cookie: viewer.cookie });
    const tenantId = (await h.json<{ id: string }>('GET', `/api/v1/tenants/${slug}`, 200, { cookie: owner.cookie })).id;
    h.bus.publish(tenantId, { agentServiceId: 'svc-1', name: 'web', status: 'running', reason: null, at: new Date().toISOString() });
    await expect.poll(() => s.text).toContain('event: status');
    await expect.poll(() => count(s.text, ': keep-alive'), { timeout: KEEPALIVE_MS * 20 }).toBeGreaterThanOrEqual(4);
    expect(s.closedAt).toBeUndefined();
  });

  it('ends when the member is removed from the tenant', async () => {
    const slug = await createTenant(h, owner, 'sse');
    const viewer = await member(slug, 'viewer');
    const s = await live(slug, { cookie: viewer.cookie });
    await endsAfter(s, () => h.json('DELETE', `/api/v1/tenants/${slug}/members/${viewer.userId}`, 200, { cookie: owner.cookie }));
  });

  it('ends when the user is deactivated', async () => {
    const slug = await createTenant(h, owner, 'sse');
    const viewer = await member(slug, 'viewer');
    const s = await live(slug, { cookie: viewer.cookie });
    await endsAfter(s, () => h.json('POST', `/api/v1/admin/users/${viewer.userId}/deactivate`, 200, { cookie: platformAdmin.cookie }));
  });

  it('ends when its token is revoked', async () => {
    const slug = await createTenant(h, owner, 'sse');
    const { id, token } = await mintToken(h, owner, slug, 'viewer');
    const s = await live(slug, { token });
    await endsAfter(s, () => h.json('DELETE', `/api/v1/tenants/${slug}/tokens/${id}`, 200, { cookie: owner.cookie }));
  });

  it("ends when its token's creator is removed from the tenant", async () => {
    const slug = await createTenant(h, owner, 'sse');
    const admin = await member(slug, 'admin');
    const { token } = await mintToken(h, admin, slug, 'viewer');
    const s = await live(slug, { token });
    await endsAfter(s, () => h.json('DELETE', `/api/v1/tenants/${slug}/members/${admin.userId}`, 200, { cookie: owner.cookie }));
  });

  it('ends on time even while events keep arriving', async () => {
    const slug = await createTenant(h, owner, 'sse');
    const viewer = await member(slug, 'viewer');
    const tenantId = (await h.json<{ id: string }>('GET', `/api/v1/tenants/${slug}`, 200, { cookie: owner.cookie })).id;
    const s = await live(slug, { cookie: viewer.cookie });
    const flood = setInterval(() => h.bus.publish(tenantId, { agentServiceId: 'svc-1', name: 'web', status: 'running', reason: null, at: new Date().toISOString() }), 5);
    try {
      await expect.poll(() => s.text).toContain('event: status');
      await endsAfter(s, () => h.json('DELETE', `/api/v1/tenants/${slug}/members/${viewer.userId}`, 200, { cookie: owner.cookie }));
    } finally {
      clearInterval(flood);
    }
  });
});
