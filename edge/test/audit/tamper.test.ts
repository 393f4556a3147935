import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditVerifyResult, Tenant } from '@berth/protocol';
import { chainHash, GENESIS, verifyChain, type ChainRow } from '../../src/audit/chain.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { expectJson } from '../support/expect-json.ts';
import { readChain } from './raw-rows.ts';

/*
 * Tampering is done on a copy of the chain (audit_copy), never on the live table, and the copy
 * is checked with verifyChain, exactly as /verify checks the real one.
 */
const LENGTH = 7;
const POSITIONS = { first: 1, middle: 4, last: LENGTH } as const;

describe('tampering with a copy of an audit chain', () => {
  let h: Harness;
  let chain: string;
  let published: { count: number; head: string };
  beforeAll(async () => {
    h = await createHarness();
    const { cookie } = await h.signUp('keeper@example.com');
    const t = await expectJson(h, Tenant, 'POST', '/api/v1/tenants', 201, { cookie, body: { name: 'Ledger', slug: 'ledger' } });
    chain = t.id;
    for (let i = 1; i < LENGTH; i++) await expectJson(h, Tenant, 'PATCH', `/api/v1/tenants/${t.id}`, 200, { cookie, body: { name: `Ledger ${i}` } });
    const v = await expectJson(h, AuditVerifyResult, 'GET', `/api/v1/tenants/${t.id}/audit/verify`, 200, { cookie });
    if (!v.ok) throw new Error('the untouched chain does not verify');
    published = { count: v.count, head: v.head };
  });
  afterAll(() => h.close());

  beforeEach(async () => {
    await h.client.execute('DROP TABLE IF EXISTS audit_copy');
    await h.client.execute({ sql: 'CREATE TABLE audit_copy AS SELECT * FROM audit_log WHERE chain = ?', args: [chain] });
  });

  const verifyCopy = async () => verifyChain(await readChain(h.client, chain, 'audit_copy'));
  const sql = (text: string, ...args: (string | number | null)[]) => h.client.execute({ sql: text, args });

  it('verifies the untouched copy with the count and head /verify published', async () => {
    expect(published.count).toBe(LENGTH);
    expect(await verifyCopy()).toEqual({ ok: true, ...published });
  });

  describe.each(Object.entries(POSITIONS))('at the %s row', (_, seq) => {
    it('names an edited action', async () => {
      await sql("UPDATE audit_copy SET action = 'tenant.nothing-to-see' WHERE seq = ?", seq);
      expect(await verifyCopy()).toMatchObject({ ok: false, firstBadSeq: seq });
    });

    it('names an edited timestamp', async () => {
      await sql('UPDATE audit_copy SET at = at - 3600000 WHERE seq = ?', seq);
      expect(await verifyCopy()).toMatchObject({ ok: false, firstBadSeq: seq });
    });

    it('names a row whose hash was recomputed after an edit (the next link breaks)', async () => {
      const rows = await readChain(h.client, chain, 'audit_copy');
      const row = rows[seq - 1] as ChainRow & { prevHash: string };
      const forgedHash = await chainHash(row.prevHash, { ...row, actorId: 'someone-else' });
      await sql('UPDATE audit_copy SET actor_id = ?, hash = ? WHERE seq = ?', 'someone-else', forgedHash, seq);
      const outcome = await verifyCopy();
      if (seq === LENGTH) expect(outcome).toMatchObject({ ok: true, count: LENGTH }); // only the head moves…
      else expect(outcome).toMatchObject({ ok: false, firstBadSeq: seq + 1 });
      if (outcome.ok) expect(outcome.head).not.toBe(published.head); // …which the published head exposes
    });

    it('names the place where two rows were swapped', async () => {
      const [a, b] = seq === LENGTH ? [seq - 1, seq] : [seq, seq + 1];
      await sql('UPDATE audit_copy SET seq = CASE seq WHEN ? THEN ? ELSE ? END WHERE seq IN (?, ?)', a, b, a, a, b);
      expect(await verifyCopy()).toMatchObject({ ok: false, firstBadSeq: a });
    });

    it('names the row after a well-forged inserted row, and a naive forgery itself', async () => {
      const rows = await readChain(h.client, chain, 'audit_copy');
      const prev = seq === 1 ? GENESIS : (rows[seq - 2]?.hash as string);
      const forged: ChainRow = { ...(rows[seq - 1] as ChainRow), id: crypto.randomUUID(), seq, action: 'tenant.forged', requestId: 'forged' };
      await sql('UPDATE audit_copy SET seq = seq + 1 WHERE seq >= ?', seq);
      await insertCopy(forged, prev, await chainHash(prev, forged));
      expect(await verifyCopy()).toMatchObject({ ok: false, firstBadSeq: seq + 1 });

      await sql('UPDATE audit_copy SET hash = ? WHERE id = ?', 'f'.repeat(64), forged.id);
      expect(await verifyCopy()).toMatchObject({ ok: false, firstBadSeq: seq });
    });
  });

  describe.each([
    ['first', 1],
    ['middle', 4],
  ] as const)('deleting the %s row', (_, seq) => {
    it('is named by its seq', async () => {
      await sql('DELETE FROM audit_copy WHERE seq = ?', seq);
      expect(await verifyCopy()).toMatchObject({ ok: false, firstBadSeq: seq });
    });
  });

  it('deleting the last row leaves a shorter chain that links, caught only against the published head', async () => {
    await sql('DELETE FROM audit_copy WHERE seq = ?', LENGTH);
    const outcome = await verifyCopy();
    expect(outcome).toMatchObject({ ok: true, count: LENGTH - 1 });
    if (outcome.ok) expect(outcome.head).not.toBe(published.head);
  });

  async function insertCopy(row: ChainRow, prevHash: string, hash: string) {
    await sql(
      `INSERT INTO audit_copy (id, chain, seq, tenant_id, at, actor_type, actor_id, action, target_type, target_id, result, request_id, ip, details, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ...([
        row.id, row.chain, row.seq, row.tenantId, Date.parse(row.at), row.actorType, row.actorId, row.action, row.targetType,
        row.targetId, row.result, row.requestId, row.ip, row.details === null ? null : JSON.stringify(row.details), prevHash, hash,
      ]),
    );
  }
});
