import { asc, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { session, user } from '@berth/db';
import type { AdminUser, PageMeta } from '@berth/protocol';
import type { RequestFacts } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { ServiceDeps } from './service-deps.ts';

type UserRow = typeof user.$inferSelect;

function adminUserDto(row: UserRow): AdminUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    platformRole: row.platformRole,
    active: row.deactivatedAt === null,
    twoFactorEnabled: row.twoFactorEnabled === true,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Page numbers are clamped: asking past the last page answers the last valid page. */
export function clampPage(requested: number, limit: number, total: number): { page: number; totalPages: number } {
  const totalPages = Math.max(1, Math.ceil(total / limit));
  return { page: Math.min(Math.max(1, requested), totalPages), totalPages };
}

export async function listUsers(deps: ServiceDeps, query: { page: number; limit: number }): Promise<{ items: AdminUser[] } & PageMeta> {
  const totalRow = await deps.db.select({ n: sql<number>`count(*)` }).from(user).get();
  const total = Number(totalRow?.n ?? 0);
  const { page, totalPages } = clampPage(query.page, query.limit, total);
  const rows = await deps.db
    .select()
    .from(user)
    .orderBy(asc(user.createdAt), asc(user.id))
    .limit(query.limit)
    .offset((page - 1) * query.limit)
    .all();
  return { items: rows.map(adminUserDto), page, limit: query.limit, total, totalPages };
}

async function setActive(deps: ServiceDeps, req: RequestFacts, userId: string, active: boolean): Promise<AdminUser> {
  return commitAudited(deps, req, PLATFORM_CHAIN, null, async () => {
    if (req.actor.kind === 'user' && req.actor.userId === userId && !active) {
      throw new AppError(409, 'SELF_DEACTIVATION', 'you cannot deactivate yourself');
    }
    const row = await deps.db.select().from(user).where(eq(user.id, userId)).get();
    if (!row) throw new AppError(404, 'NOT_FOUND', 'user not found');
    const now = deps.clock.now();
    const deactivatedAt = active ? null : (row.deactivatedAt ?? now);
    const writes: BatchItem<'sqlite'>[] = [deps.db.update(user).set({ deactivatedAt, updatedAt: now }).where(eq(user.id, userId))];
    // Deactivation ends every session at once, not when the cookie next expires.
    if (!active) writes.push(deps.db.delete(session).where(eq(session.userId, userId)));
    return {
      writes,
      note: { action: active ? 'user.reactivate' : 'user.deactivate', targetType: 'user', targetId: userId },
      result: adminUserDto({ ...row, deactivatedAt, updatedAt: now }),
    };
  });
}

export const deactivateUser = (deps: ServiceDeps, req: RequestFacts, userId: string) => setActive(deps, req, userId, false);
export const reactivateUser = (deps: ServiceDeps, req: RequestFacts, userId: string) => setActive(deps, req, userId, true);
