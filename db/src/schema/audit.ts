import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { jsonOrInvalid } from './columns.ts';

/**
 * Tamper-evident audit log. Each `chain` (a tenant id, or 'platform') is a hash chain:
 * hash = SHA-256(prevHash ‖ canonical(row)), seq monotonic from 1. The unique (chain, seq)
 * index makes two writers racing for the same chain position fail, so the losing batch
 * (and the change it carried) rolls back and is retried.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text().primaryKey(),
    chain: text().notNull(),
    seq: integer().notNull(),
    tenantId: text(),
    at: integer().notNull(),
    actorType: text({ enum: ['user', 'token', 'anonymous', 'system'] }).notNull(),
    actorId: text(),
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    result: text({ enum: ['success', 'denied', 'failure'] }).notNull(),
    requestId: text().notNull(),
    ip: text(),
    /** Part of the hashed row: unreadable reads as StoredJsonInvalid so a tampered row can still be listed and verified. */
    details: jsonOrInvalid('audit_log.details', z.record(z.string(), z.unknown()).nullable()),
    prevHash: text().notNull(),
    hash: text().notNull(),
  },
  (t) => [
    uniqueIndex('audit_chain_seq').on(t.chain, t.seq),
    index('audit_chain_at').on(t.chain, t.at),
    index('audit_chain_action').on(t.chain, t.action),
  ],
);
