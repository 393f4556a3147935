import { and, eq, inArray, sql } from 'drizzle-orm';
import { command } from '@berth/db';
import { z } from 'zod';
import type { RequestFacts, TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { enqueueCommand } from '../agents/outbox.ts';
import { LOGS_TAIL_TTL_MS } from '../agents/tail-lifetime.ts';
import type { AgentServiceDeps } from './deps.ts';
import { loadService } from './queries.ts';
import { onlineClusters } from './shown-status.ts';

/**
 * Asks the agent for the last `tail` log lines of the service's tasks. A tail is answered now or
 * not at all: with no agent of the cluster reachable nothing is queued, and one left unanswered
 * is cancelled (the dispatcher never sends it later, see LOGS_TAIL_TTL_MS).
 */
export async function tailLogs(deps: AgentServiceDeps, req: RequestFacts, scope: TenantScope, ref: string, tail: number) {
  const row = await loadService(deps.db, scope, ref);
  if (row.status === 'removed') throw new AppError(409, 'CONFLICT', 'the agent service was removed');
  const now = deps.clock.now();
  if (!(await onlineClusters(deps.db, now)).has(row.clusterId)) throw new AppError(503, 'AGENT_UNAVAILABLE', 'no agent of the cluster is connected; try again later');
  const insert = enqueueCommand(deps.db, { clusterId: row.clusterId, tenantId: scope.tenantId, agentServiceId: row.id, cmd: { kind: 'logs.tail', tenantId: scope.tenantId, agentServiceId: row.id, tail }, actor: req.actor, now });
  const [created] = await insert.returning({ id: sql<string>`id` });
  if (!created) throw new AppError(500, 'INTERNAL', 'the logs request could not be queued');
  const waiting = deps.sink.waitFor(created.id, LOGS_TAIL_TTL_MS);
  await deps.sink.kick(row.clusterId);
  const result = await waiting;
  if (!result) {
    await deps.db
      .update(command)
      .set({ status: 'cancelled', doneAt: deps.clock.now() })
      .where(and(eq(command.id, created.id), inArray(command.status, ['queued', 'sent'])));
    throw new AppError(503, 'AGENT_UNAVAILABLE', 'no agent answered in time; try again');
  }
  if (!result.ok && result.error.code === 'AGENT_UNAVAILABLE') throw new AppError(503, 'AGENT_UNAVAILABLE', 'the agent left before answering; try again');
  if (!result.ok) throw new AppError(502, 'COMMAND_FAILED', `the agent could not read logs: ${result.error.message}`);
  const Lines = z.object({ lines: z.array(z.object({ stream: z.string(), ts: z.string().optional(), line: z.string() })) });
  return Lines.parse(result.data ?? { lines: [] });
}
