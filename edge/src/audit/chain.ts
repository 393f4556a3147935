/**
 * The audit hash chain, pure and runtime-neutral (WebCrypto).
 *
 *   hash(n) = hex(SHA-256( prevHash(n) ‖ canonical(row n) )),   prevHash(1) = GENESIS
 *
 * canonical(row) is JSON of the fields below in this fixed order, `at` as an ISO-8601 UTC
 * string and `details` with object keys sorted recursively. An outside verifier needs only
 * this comment (see scripts/verify-audit-export.mjs, written independently of this file).
 */
export const GENESIS = '0'.repeat(64);

export interface ChainRow {
  id: string;
  chain: string;
  seq: number;
  tenantId: string | null;
  at: string;
  actorType: 'user' | 'token' | 'anonymous' | 'system';
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  result: 'success' | 'denied' | 'failure';
  requestId: string;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export interface HashedRow extends ChainRow {
  prevHash: string;
  hash: string;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function canonical(row: ChainRow): string {
  return JSON.stringify([
    row.id,
    row.chain,
    row.seq,
    row.tenantId,
    row.at,
    row.actorType,
    row.actorId,
    row.action,
    row.targetType,
    row.targetId,
    row.result,
    row.requestId,
    row.ip,
    sortKeys(row.details),
  ]);
}

const encoder = new TextEncoder();

export async function chainHash(prevHash: string, row: ChainRow): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(prevHash + canonical(row)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export type VerifyOutcome =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; firstBadSeq: number; reason: string };

/**
 * Walks rows in storage order (ascending seq) and reports the first position where the chain
 * breaks: a missing or extra seq, a prevHash that is not the previous hash, or a hash that does
 * not match the row's contents.
 */
export async function verifyChain(rows: AsyncIterable<HashedRow> | Iterable<HashedRow>): Promise<VerifyOutcome> {
  let expectedSeq = 1;
  let prev = GENESIS;
  let count = 0;
  for await (const row of rows) {
    count++;
    if (row.seq !== expectedSeq) {
      return { ok: false, count, firstBadSeq: expectedSeq, reason: `expected seq ${expectedSeq}, found ${row.seq}` };
    }
    if (row.prevHash !== prev) return { ok: false, count, firstBadSeq: row.seq, reason: 'prevHash does not link to the previous row' };
    const recomputed = await chainHash(prev, row);
    if (recomputed !== row.hash) return { ok: false, count, firstBadSeq: row.seq, reason: 'row contents do not match its hash' };
    prev = row.hash;
    expectedSeq++;
  }
  return { ok: true, count, head: prev };
}
