import { and, asc, desc, eq, gt, gte, lte, type SQL } from 'drizzle-orm';
import { auditLog, StoredJsonInvalid, type Db } from '@berth/db';
import type { AuditEntry } from '@berth/protocol';
import { chainHash, GENESIS, type ChainRow, type HashedRow } from './chain.ts';

type AuditRow = typeof auditLog.$inferSelect;

/** The platform-wide chain (sign-ins, setup, user administration, denials outside a tenant). */
export const PLATFORM_CHAIN = 'platform';

export interface ChainHead {
  seq: number;
  hash: string;
}

export async function readHead(db: Db, chain: string): Promise<ChainHead> {
  const row = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.chain, chain))
    .orderBy(desc(auditLog.seq))
    .limit(1)
    .get();
  return row ?? { seq: 0, hash: GENESIS };
}

export type AuditFacts = Omit<ChainRow, 'id' | 'chain' | 'seq' | 'at'> & { at: Date };

/** The next row of `chain` after `head`, hashed and ready to insert. */
export async function nextRow(chain: string, head: ChainHead, facts: AuditFacts): Promise<typeof auditLog.$inferInsert> {
  const row: ChainRow = { ...facts, id: crypto.randomUUID(), chain, seq: head.seq + 1, at: facts.at.toISOString() };
  const hash = await chainHash(head.hash, row);
  return {
    ...row,
    at: facts.at.getTime(),
    details: row.details,
    prevHash: head.hash,
    hash,
  };
}

/** Details that no longer read as an object (a tampered row) are listed as such; the chain check flags the row. */
const readableDetails = (details: AuditRow['details']): Record<string, unknown> | null =>
  details instanceof StoredJsonInvalid ? { unreadable: true } : details;

export function toEntry(row: AuditRow): AuditEntry & HashedRow {
  return {
    id: row.id,
    chain: row.chain,
    seq: row.seq,
    tenantId: row.tenantId,
    at: new Date(row.at).toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    result: row.result,
    requestId: row.requestId,
    ip: row.ip,
    details: readableDetails(row.details),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export interface AuditFilter {
  action?: string | undefined;
  actor?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Return rows with seq below this (newest first paging). */
  cursor?: number | undefined;
  limit: number;
}

/** Newest first; `nextCursor` is the seq to pass back for the following page. */
export async function listAudit(db: Db, chain: string, f: AuditFilter) {
  const where: SQL[] = [eq(auditLog.chain, chain)];
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.actor) where.push(eq(auditLog.actorId, f.actor));
  if (f.from) where.push(gte(auditLog.at, Date.parse(f.from)));
  if (f.to) where.push(lte(auditLog.at, Date.parse(f.to)));
  if (f.cursor !== undefined) where.push(lte(auditLog.seq, f.cursor - 1));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.seq))
    .limit(f.limit + 1)
    .all();
  const page = rows.slice(0, f.limit).map(toEntry);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > f.limit && last ? last.seq : null };
}

/** Every row of a chain in seq order, read in pages so memory stays flat on long chains. */
export async function* walkChain(db: Db, chain: string, pageSize = 500): AsyncGenerator<ReturnType<typeof toEntry>> {
  let after = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.chain, chain), gt(auditLog.seq, after)))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize)
      .all();
    for (const row of rows) yield toEntry(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.seq;
  }
}
