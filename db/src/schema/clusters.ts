import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { Ed25519PublicJwk } from '@berth/protocol';
import { json, jsonOrInvalid, timestamp } from './columns.ts';
import { tenant } from './tenants.ts';

const StringList = z.array(z.string());

/**
 * A Docker Swarm that Berth drives. `ownerTenantId` null = a shared cluster registered by a
 * platform admin; otherwise the cluster belongs to (and only serves) that tenant.
 */
export const cluster = sqliteTable('cluster', {
  id: text().primaryKey(),
  name: text().notNull(),
  ownerTenantId: text().references(() => tenant.id, { onDelete: 'cascade' }),
  allowManagerPlacement: integer({ mode: 'boolean' }).notNull().default(true),
  /** Registries tenants may pull from (see protocol admission). */
  allowedRegistries: json('cluster.allowed_registries', StringList).notNull(),
  /** Node label keys tenant placement constraints may use (see protocol admission). */
  allowedPlacementLabels: json('cluster.allowed_placement_labels', StringList).notNull().default([]),
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
    /** Unreadable reads as StoredJsonInvalid: the agent is refused, other agents are unaffected. */
    publicKeyJwk: jsonOrInvalid('agent.public_key_jwk', Ed25519PublicJwk).notNull(),
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
