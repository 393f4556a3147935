import { and, desc, eq, or, sql } from 'drizzle-orm';
import { agentService, agentServiceEvent, type Db } from '@berth/db';
import type { TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import type { ServiceDeps } from '../services/service-deps.ts';
import { toDto } from './dto.ts';
import { onlineClusters } from './shown-status.ts';
import type { Row } from './transition.ts';

/** The tenant's service named by id or name (a live one first); 404 otherwise. */
export async function loadService(db: Db, scope: TenantScope, ref: string): Promise<Row> {
  const rows = await db
    .select()
    .from(agentService)
    .where(and(eq(agentService.tenantId, scope.tenantId), or(eq(agentService.id, ref), eq(agentService.name, ref))))
    .orderBy(desc(agentService.createdAt))
    .all();
  const row = rows.find((r) => r.status !== 'removed') ?? rows[0];
  if (!row) throw new AppError(404, 'NOT_FOUND', 'agent service not found');
  return row;
}

export async function listAgentServices(deps: ServiceDeps, scope: TenantScope, q: { page: number; limit: number; status?: string | undefined }) {
  const now = deps.clock.now();
  const online = await onlineClusters(deps.db, now);
  // `unknown` is derived, not stored: filter after mapping so the filter matches what is shown.
  const rows = await deps.db.select().from(agentService).where(eq(agentService.tenantId, scope.tenantId)).orderBy(agentService.name).all();
  const all = rows.map((r) => toDto(r, online)).filter((s) => (q.status ? s.status === q.status : s.status !== 'removed'));
  const total = all.length;
  const totalPages = Math.max(1, Math.ceil(total / q.limit));
  const page = Math.min(q.page, totalPages);
  return { items: all.slice((page - 1) * q.limit, page * q.limit), page, limit: q.limit, total, totalPages };
}

export async function getAgentService(deps: ServiceDeps, scope: TenantScope, ref: string) {
  const row = await loadService(deps.db, scope, ref);
  const events = await deps.db
    .select()
    .from(agentServiceEvent)
    .where(eq(agentServiceEvent.agentServiceId, row.id))
    .orderBy(desc(agentServiceEvent.at), desc(sql`rowid`))
    .limit(20)
    .all();
  return {
    ...toDto(row, await onlineClusters(deps.db, deps.clock.now())),
    recentEvents: events.map((e) => ({ status: e.status, reason: e.reason, at: e.at.toISOString() })),
  };
}
