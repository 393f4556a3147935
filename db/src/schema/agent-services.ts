import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { Command, CommandResult } from '@berth/protocol';
import { jsonOrInvalid, timestamp } from './columns.ts';
import { tenant } from './tenants.ts';
import { cluster, agent } from './clusters.ts';

export const SERVICE_STATUSES = ['pending', 'deploying', 'running', 'degraded', 'failed', 'stopped', 'removing', 'removed', 'unknown'] as const;

/** A tenant's agent service: the desired spec (no secret values) and the last observed status. */
export const agentService = sqliteTable(
  'agent_service',
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenant.id, { onDelete: 'cascade' }),
    clusterId: text()
      .notNull()
      .references(() => cluster.id),
    name: text().notNull(),
    /** JSON AgentServiceSpec; `secrets` lists names only. */
    spec: text().notNull(),
    specHash: text().notNull(),
    replicas: integer().notNull(),
    /** Replicas to restore on start after a stop. */
    rememberedReplicas: integer().notNull(),
    /** Per-replica CPU limit in thousandths of a core. */
    cpuMillis: integer().notNull(),
    memoryMb: integer().notNull(),
    status: text({ enum: SERVICE_STATUSES }).notNull().default('pending'),
    statusReason: text(),
    /** JSON TaskSummary[] from the latest status event. */
    tasks: text().notNull().default('[]'),
    observedAt: timestamp(),
    /** Running tasks as last observed, and the replica-seconds accumulated up to `accountedAt`. */
    runningReplicas: integer().notNull().default(0),
    replicaSeconds: integer().notNull().default(0),
    accountedAt: timestamp(),
    createdBy: text().notNull(),
    createdAt: timestamp().notNull(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [
    index('agent_service_tenant_idx').on(t.tenantId),
    uniqueIndex('agent_service_live_name').on(t.tenantId, t.name).where(sql`status <> 'removed'`),
  ],
);

/** Secret values of an agent service, AES-256-GCM encrypted at rest; never returned by the API. */
export const agentServiceSecret = sqliteTable(
  'agent_service_secret',
  {
    agentServiceId: text()
      .notNull()
      .references(() => agentService.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    ciphertext: text().notNull(),
    /** SHA-256 of the value (hex, first 12 chars) — part of the Swarm secret name, so a change rotates it. */
    contentHash: text().notNull(),
    updatedAt: timestamp().notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentServiceId, t.name] })],
);

/** Status transitions, kept for the details page and replayed to late SSE subscribers. */
export const agentServiceEvent = sqliteTable(
  'agent_service_event',
  {
    id: text().primaryKey(),
    tenantId: text().notNull(),
    agentServiceId: text().notNull(),
    status: text({ enum: SERVICE_STATUSES }).notNull(),
    reason: text(),
    at: timestamp().notNull(),
  },
  (t) => [index('agent_service_event_service_idx').on(t.agentServiceId, t.at), index('agent_service_event_tenant_idx').on(t.tenantId, t.at)],
);

/**
 * The command outbox. A row is written in the same batch as the desired state and its audit row;
 * the dispatcher signs and sends it (at least once), and the agent's signed result acknowledges it.
 *
 *   queued ──send──► sent ──result──► done | failed
 *     │               │ (agent gone: back to queued, same jti, new seq on the next agent)
 *     └──► cancelled (its author was revoked, or a later command superseded it)
 */
export const command = sqliteTable(
  'command',
  {
    /** Also the JWS `jti` and the agent's idempotency key. */
    id: text().primaryKey(),
    clusterId: text()
      .notNull()
      .references(() => cluster.id, { onDelete: 'cascade' }),
    tenantId: text().notNull(),
    agentServiceId: text(),
    kind: text().notNull(),
    /**
     * The Command; secret.ensure carries no value here (filled from agent_service_secret at send).
     * Unreadable reads as StoredJsonInvalid, and the dispatcher fails that command alone.
     */
    payload: jsonOrInvalid('command.payload', Command).notNull(),
    status: text({ enum: ['queued', 'sent', 'done', 'failed', 'cancelled'] }).notNull().default('queued'),
    agentId: text().references(() => agent.id),
    seq: integer(),
    attempts: integer().notNull().default(0),
    /** The CommandResult once the agent answered. */
    result: jsonOrInvalid('command.result', CommandResult),
    /** Who asked (user id or token id): their revocation cancels what is still queued. */
    actorType: text().notNull(),
    actorId: text(),
    createdAt: timestamp().notNull(),
    sentAt: timestamp(),
    doneAt: timestamp(),
  },
  (t) => [index('command_cluster_status_idx').on(t.clusterId, t.status, t.createdAt), index('command_agent_seq_idx').on(t.agentId, t.seq)],
);

/** Idempotency-Key records: the first answer to a key is replayed for the same request. */
export const idempotencyRecord = sqliteTable(
  'idempotency_record',
  {
    key: text().notNull(),
    scope: text().notNull(),
    requestHash: text().notNull(),
    status: integer().notNull(),
    body: text().notNull(),
    createdAt: timestamp().notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] })],
);
