import { z } from 'zod';
import type { HashedRow } from '../../src/audit/chain.ts';
import type { Harness } from '../support/harness.ts';

/** One audit row as SQLite stores it (snake_case, `at` in ms, `details` as JSON text). */
const StoredRow = z.object({
  id: z.string(),
  chain: z.string(),
  seq: z.number(),
  tenant_id: z.string().nullable(),
  at: z.number(),
  actor_type: z.enum(['user', 'token', 'anonymous', 'system']),
  actor_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  result: z.enum(['success', 'denied', 'failure']),
  request_id: z.string(),
  ip: z.string().nullable(),
  details: z.string().nullable(),
  prev_hash: z.string(),
  hash: z.string(),
});

const Details = z.record(z.string(), z.unknown()).nullable();

function toHashed(raw: unknown): HashedRow {
  const r = StoredRow.parse(raw);
  return {
    id: r.id,
    chain: r.chain,
    seq: r.seq,
    tenantId: r.tenant_id,
    at: new Date(r.at).toISOString(),
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    result: r.result,
    requestId: r.request_id,
    ip: r.ip,
    details: Details.parse(r.details === null ? null : JSON.parse(r.details)),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The rows of `chain` in `table` (audit_log or a copy of it), in seq order. */
export async function readChain(client: Harness['client'], chain: string, table = 'audit_log'): Promise<HashedRow[]> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  const rs = await client.execute({ sql: `SELECT * FROM ${table} WHERE chain = ? ORDER BY seq`, args: [chain] });
  return rs.rows.map((row) => toHashed({ ...row }));
}
