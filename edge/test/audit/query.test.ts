import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AuditEntry, AuditVerifyResult, Invitation, Tenant } from '@berth/protocol';
import { createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';

const Page = z.object({ items: z.array(AuditEntry), nextCursor: z.number().nullable() });

/** A clock that only moves when told, so every audit row has a known minute. */
function steppingClock(start: number) {
  let now = start;
  return { now: () => new Date(now), step: () => (now += 60_000), at: () => now };
}

describe('reading a tenant audit chain', () => {
  let h: Harness;
  let owner: { cookie?: string; userId: string };
  let bob: { cookie?: string; userId: string };
  let tenantId: string;
  const clock = steppingClock(Date.UTC(2030, 0, 1, 12, 0, 0));
  /** seq → the minute its row was written at. */
  const minuteOf = new Map<number, number>();

  beforeAll(async () => {
    h = await createHarness({}, clock);
    [owner, bob] = await Promise.all([h.signUp('owner@audit.test'), h.signUp('bob@audit.test')]);
    const audited = async <T>(seq: number, call: () => Promise<T>) => {
      clock.step();
      minuteOf.set(seq, clock.at());
      return call();
    };
    const t = await audited(1, () => expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie: owner.cookie, body: { name: 'Books', slug: 'books' } }));
    tenantId = t.id;
    for (const seq of [2, 3, 4]) await audited(seq, () => expectJson(h, Tenant, 'PATCH', `/api/v1/tenants/${tenantId}`, 200, { cookie: owner.cookie, body: { name: `Books ${seq}` } }));
    const inv = await audited(5, () =>
      expectJson(h, Invitation, 'POST', `/api/v1/tenants/${tenantId}/invitations`, 201, { cookie: owner.cookie, body: { email: 'bob@audit.test', role: 'admin' } }),
    );
    await audited(6, () => expectJson(h, Invitation, 'POST', `/api/v1/invitations/${inv.id}/accept`, 200, { cookie: bob.cookie }));
    await audited(7, () => expectJson(h, Tenant, 'PATCH', `/api/v1/tenants/${tenantId}`, 200, { cookie: bob.cookie, body: { name: 'Bob was here' } }));
  });
  afterAll(() => h.close());

  const list = (query: string) => expectJson(h, Page, 'GET', `/api/v1/tenants/${tenantId}/audit?${query}`, 200, { cookie: owner.cookie });
  const seqs = (p: z.infer<typeof Page>) => p.items.map((e) => e.seq);

  it('lists every row newest first, all from this chain', async () => {
    const page = await list('');
    expect(seqs(page)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(page.items.every((e) => e.chain === tenantId && e.tenantId === tenantId)).toBe(true);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by action', async () => {
    expect(seqs(await list('action=tenant.update'))).toEqual([7, 4, 3, 2]);
    expect(seqs(await list('action=invitation.accept'))).toEqual([6]);
    expect(seqs(await list('action=no.such.action'))).toEqual([]);
  });

  it('filters by actor', async () => {
    expect(seqs(await list(`actor=${bob.userId}`))).toEqual([7, 6]);
    expect(seqs(await list(`actor=${owner.userId}`))).toEqual([5, 4, 3, 2, 1]);
  });

  it('filters by time, both ends inclusive', async () => {
    const iso = (seq: number) => new Date(minuteOf.get(seq) as number).toISOString();
    expect(seqs(await list(`from=${iso(3)}&to=${iso(5)}`))).toEqual([5, 4, 3]);
    expect(seqs(await list(`from=${iso(6)}`))).toEqual([7, 6]);
    expect(seqs(await list(`to=${iso(1)}`))).toEqual([1]);
  });

  it('combines filters', async () => {
    expect(seqs(await list(`action=tenant.update&actor=${owner.userId}&from=${new Date(minuteOf.get(3) as number).toISOString()}`))).toEqual([4, 3]);
  });

  it('pages with a cursor until nextCursor is null, without gaps or repeats', async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...seqs(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it('pages a filtered list too', async () => {
    const first = await list('action=tenant.update&limit=2');
    expect(seqs(first)).toEqual([7, 4]);
    const second = await list(`action=tenant.update&limit=2&cursor=${first.nextCursor}`);
    expect(seqs(second)).toEqual([3, 2]);
    expect(second.nextCursor).toBeNull();
  });

  it('verifies the chain: ok, its length and the hash of its last row', async () => {
    const last = await h.client.execute({ sql: 'SELECT hash FROM audit_log WHERE chain = ? ORDER BY seq DESC LIMIT 1', args: [tenantId] });
    const verify = await expectJson(h, AuditVerifyResult, 'GET', `/api/v1/tenants/${tenantId}/audit/verify`, 200, { cookie: owner.cookie });
    expect(verify).toEqual({ ok: true, count: 7, head: last.rows[0]?.hash });
  });

  it('rejects a malformed time filter instead of ignoring it', async () => {
    const res = await h.call('GET', `/api/v1/tenants/${tenantId}/audit?from=yesterday`, { cookie: owner.cookie });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});
