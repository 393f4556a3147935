import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns.ts';
import { tenant } from './tenants.ts';

/**
 * A tenant's usage as a step function of time: each row is the tenant's totals from `at` until
 * the next row, written in the same batch as the change that caused it (a create, update, scale,
 * stop/start/remove, or an observed change of running tasks). Rows are ordered by (`at`, `id`);
 * `at` never goes backwards within a tenant. Rows older than the retention window are pruned as
 * new ones are written, keeping the newest old row so the step carried into the window is known.
 */
export const usageSample = sqliteTable(
  'usage_sample',
  {
    /** Rowid: breaks ties between rows written at the same millisecond (later write, larger id). */
    id: integer().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenant.id, { onDelete: 'cascade' }),
    at: timestamp().notNull(),
    /** Running tasks as last observed, summed over the tenant's services. */
    runningReplicas: integer().notNull(),
    /** Desired replicas of the live services (what the replica quota counts). */
    totalReplicas: integer().notNull(),
    /** Reserved CPU (replicas × per-replica limit) in thousandths of a core. */
    cpuMillis: integer().notNull(),
    /** Reserved memory (replicas × per-replica limit). */
    memoryMb: integer().notNull(),
    /** Live (not removed) agent services. */
    agentServices: integer().notNull(),
  },
  (t) => [index('usage_sample_tenant_at_idx').on(t.tenantId, t.at)],
);
