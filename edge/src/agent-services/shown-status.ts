import { and, gt, isNull } from 'drizzle-orm';
import { agent, type Db } from '@berth/db';
import type { ServiceHealth } from '@berth/protocol';
import { UNREACHABLE_AFTER_MS } from '../agents/agent-session.ts';
import type { Row } from './transition.ts';

/** The clusters with at least one agent that is not revoked and was heard from lately. */
export async function onlineClusters(db: Db, now: Date): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ clusterId: agent.clusterId })
    .from(agent)
    .where(and(isNull(agent.revokedAt), gt(agent.lastSeenAt, new Date(now.getTime() - UNREACHABLE_AFTER_MS))))
    .all();
  return new Set(rows.map((r) => r.clusterId));
}

/**
 * The status the API shows. `unknown` is derived here and never stored: when no agent of the
 * service's cluster is reachable, the observed status is not known any more (the last
 * observation stays in the reason). A removed service stays `removed`.
 */
export function shownStatus(row: Pick<Row, 'status' | 'statusReason' | 'clusterId'>, online: Set<string>): { status: ServiceHealth; statusReason: string | null } {
  const unreachable = row.status !== 'removed' && !online.has(row.clusterId);
  if (!unreachable) return { status: row.status, statusReason: row.statusReason };
  return { status: 'unknown', statusReason: `no agent of the cluster is reachable (last seen: ${row.status})` };
}
