import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { timestamp } from './columns.ts';
import { user } from './auth.ts';

const ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;

export const tenant = sqliteTable('tenant', {
  id: text().primaryKey(),
  slug: text().notNull().unique(),
  name: text().notNull(),
  status: text({ enum: ['active', 'deleting'] }).notNull().default('active'),
  displayName: text(),
  logoUrl: text(),
  accentColor: text(),
  createdBy: text().notNull(),
  createdAt: timestamp().notNull(),
  updatedAt: timestamp().notNull(),
});

/** One row per tenant; platform admins change it, members read it. */
export const tenantQuota = sqliteTable('tenant_quota', {
  tenantId: text()
    .primaryKey()
    .references(() => tenant.id, { onDelete: 'cascade' }),
  maxAgentServices: integer().notNull(),
  maxTotalReplicas: integer().notNull(),
  maxCpuCores: real().notNull(),
  maxMemoryMb: integer().notNull(),
  updatedAt: timestamp().notNull(),
});

export const membership = sqliteTable(
  'membership',
  {
    tenantId: text()
      .notNull()
      .references(() => tenant.id, { onDelete: 'cascade' }),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    role: text({ enum: ROLES }).notNull(),
    createdAt: timestamp().notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index('membership_user_idx').on(t.userId)],
);

export const invitation = sqliteTable(
  'invitation',
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenant.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    role: text({ enum: ROLES }).notNull(),
    status: text({ enum: ['pending', 'accepted', 'revoked'] }).notNull().default('pending'),
    invitedBy: text().notNull(),
    expiresAt: timestamp().notNull(),
    createdAt: timestamp().notNull(),
    decidedAt: timestamp(),
  },
  (t) => [index('invitation_tenant_idx').on(t.tenantId), index('invitation_email_idx').on(t.email)],
);

export const joinRequest = sqliteTable(
  'join_request',
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenant.id, { onDelete: 'cascade' }),
    userId: text()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    message: text(),
    status: text({ enum: ['pending', 'approved', 'rejected'] }).notNull().default('pending'),
    createdAt: timestamp().notNull(),
    decidedAt: timestamp(),
    decidedBy: text(),
  },
  (t) => [
    index('join_request_tenant_idx').on(t.tenantId),
    uniqueIndex('join_request_one_pending').on(t.tenantId, t.userId).where(sql`status = 'pending'`),
  ],
);

/** Automation tokens: one tenant, one role, hashed at rest (SHA-256 of a 256-bit random secret). */
export const apiToken = sqliteTable(
  'api_token',
  {
    id: text().primaryKey(),
    tenantId: text()
      .notNull()
      .references(() => tenant.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    role: text({ enum: ROLES }).notNull(),
    prefix: text().notNull(),
    secretHash: text().notNull().unique(),
    createdBy: text().notNull(),
    expiresAt: timestamp().notNull(),
    createdAt: timestamp().notNull(),
    lastUsedAt: timestamp(),
    revokedAt: timestamp(),
  },
  (t) => [index('api_token_tenant_idx').on(t.tenantId)],
);
