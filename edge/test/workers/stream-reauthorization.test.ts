import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreatedApiToken, Invitation, Tenant } from '@berth/protocol';
import { startWorker, type Caller, type WorkerHarness } from './worker-harness.ts';
import { verifyEmail } from './logged-mail.ts';

const KEEPALIVE_MS = 200;
/** What workerd, D1 and a loaded machine may add on top of one keep-alive. */
const SLACK_MS = 1300;

/** A stream read in the background until the Worker ends it. */
async function openEvents(w: WorkerHarness, slug: string, caller: Caller) {
  const res = await w.call('GET', `/api/v1/tenants/${slug}/events`, caller);
  if (res.status !== 200 || !res.body) throw new Error(`events: expected an open stream, got ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const s = { text: '', closedAt: undefined as number | undefined, ended: Promise.resolve(), hangUp: () => reader.cancel() };
  s.ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        s.text += value;
      }
    } finally {
      s.closedAt = performance.now();
    }
  })();
  return s;
}

/** The same re-check on the Workers build, where the stream's events come from the tenant's Durable Object. */
describe('event streams on Workers re-checked on every keep-alive', () => {
  let w: WorkerHarness;
  let owner: Caller & { userId: string };
  let tenant: z.infer<typeof Tenant>;

  beforeAll(async () => {
    w = await startWorker({ BERTH_SSE_KEEPALIVE_MS: String(KEEPALIVE_MS) });
    await w.setupAdmin();
    owner = await w.signUp('stream-owner@workers.test');
    tenant = await w.json(Tenant, 'POST', '/api/v1/tenants', 201, { ...owner, body: { name: 'Streams', slug: 'workers-streams' } });
  });
  afterAll(() => w?.close());

  async function endsWithinOneKeepAlive(caller: Caller, revoke: () => Promise<unknown>) {
    const s = await openEvents(w, tenant.slug, caller);
    try {
      await expect.poll(() => s.text, { timeout: 10_000 }).toContain(': keep-alive');
      expect(s.closedAt).toBeUndefined();
      await revoke();
      const revokedAt = performance.now();
      await s.ended;
      expect((s.closedAt ?? Infinity) - revokedAt).toBeLessThan(KEEPALIVE_MS + SLACK_MS);
    } finally {
      await s.hangUp().catch(() => undefined);
    }
  }

  it('ends a removed member’s stream', async () => {
    const member = await w.signUp('stream-member@workers.test');
    await verifyEmail(w, 'stream-member@workers.test', member);
    const inv = await w.json(Invitation, 'POST', `/api/v1/tenants/${tenant.slug}/invitations`, 201, { ...owner, body: { email: 'stream-member@workers.test', role: 'viewer' } });
    await w.json(z.unknown(), 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, member);
    await endsWithinOneKeepAlive(member, () => w.json(z.unknown(), 'DELETE', `/api/v1/tenants/${tenant.slug}/members/${member.userId}`, 200, owner));
  });

  it('ends a revoked token’s stream', async () => {
    const token = await w.json(CreatedApiToken, 'POST', `/api/v1/tenants/${tenant.slug}/tokens`, 201, { ...owner, body: { name: 'stream', role: 'viewer' } });
    await endsWithinOneKeepAlive({ token: token.token }, () => w.json(z.unknown(), 'DELETE', `/api/v1/tenants/${tenant.slug}/tokens/${token.id}`, 200, owner));
  });

  it('ends the stream of a token whose creator is removed', async () => {
    const admin = await w.signUp('stream-admin@workers.test');
    await verifyEmail(w, 'stream-admin@workers.test', admin);
    const inv = await w.json(Invitation, 'POST', `/api/v1/tenants/${tenant.slug}/invitations`, 201, { ...owner, body: { email: 'stream-admin@workers.test', role: 'admin' } });
    await w.json(z.unknown(), 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, admin);
    const token = await w.json(CreatedApiToken, 'POST', `/api/v1/tenants/${tenant.slug}/tokens`, 201, { ...admin, body: { name: 'stream', role: 'viewer' } });
    await endsWithinOneKeepAlive({ token: token.token }, () => w.json(z.unknown(), 'DELETE', `/api/v1/tenants/${tenant.slug}/members/${admin.userId}`, 200, owner));
  });
});
