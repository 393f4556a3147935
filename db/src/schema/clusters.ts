import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { timestamp } from './columns.ts';
import { tenant } from './tenants.ts';

/**
 * A Docker Swarm that Berth drives. `ownerTenantId` null = a shared cluster registered by a
 * platform admin; otherwise the cluster belongs to (and only serves) that tenant.
 */
export const cluster = sqliteTable('cluster', {
  id: text().primaryKey(),
  name: text().notNull(),
  ownerTenantId: text().references(() => tenant.id, { onDelete: 'cascade' }),
  allowManagerPlacement: integer({ mode: 'boolean' }).notNull().default(true),
  /** JSON array of registries tenants may pull from (see protocol admission). */
  allowedRegistries: text().notNull(),
  /** JSON array of node label keys tenant placement constraints may use (see protocol admission). */
  allowedPlacementLabels: text().notNull().default('[]'),
  /** The volume driver tenant volumes use, without driver options. */
  volumeDriver: text().notNull().default('local'),
  createdBy: text().notNull(),
  createdAt: timestamp().notNull(),
});

/** One-time, expiring enrollment secrets (SHA-256 stored). */
export const joinToken = sqliteTable('join_token', {
  id: text().primaryKey(),
  clusterId: text()
    .notNull()
    .references(() => cluster.id, { onDelete: 'cascade' }),
  secretHash: text().notNull().unique(),
  expiresAt: timestamp().notNull(),
  usedAt: timestamp(),
  createdBy: text().notNull(),
  createdAt: timestamp().notNull(),
});

/** An enrolled node agent (one per Swarm manager) and its pinned public key. */
export const agent = sqliteTable(
  'agent',
  {
    id: text().primaryKey(),
    clusterId: text()
      .notNull()
      .references(() => cluster.id, { onDelete: 'cascade' }),
    publicKeyJwk: text().notNull(),
    hostname: text().notNull(),
    swarmNodeId: text().notNull(),
    version: text().notNull(),
    /** Last seq handed to this agent; the next command gets lastIssuedSeq + 1. */
    lastIssuedSeq: integer().notNull().default(0),
    enrolledAt: timestamp().notNull(),
    lastSeenAt: timestamp(),
    revokedAt: timestamp(),
  },
  (t) => [index('agent_cluster_idx').on(t.clusterId)],
);
