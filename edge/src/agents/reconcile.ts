import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { agentService, agentServiceSecret, cluster, command, tenant, type Db } from '@berth/db';
import { CLUSTER_SUBJECT, type Command, type ReconcileEntry } from '@berth/protocol';
import type { Actor } from '../context.ts';
import { enqueueCommand } from './outbox.ts';
import { storedUpsert } from './service-upsert.ts';

/** How often a cluster with a connected agent is reconciled besides on every handshake. */
export const RECONCILE_EVERY_MS = 60_000;
/** Tenants per reconcile command, so one command stays well inside a socket frame. */
const TENANTS_PER_COMMAND = 100;
const RECONCILER: Actor = { kind: 'system', name: 'reconcile' };

type ReconcileCommand = Extract<Command, { kind: 'reconcile' }>;

/**
 * The complete desired set of a cluster as reconcile commands: every live agent service placed
 * there, rebuilt from its stored spec, spec hash and secret versions. Each command is scoped to
 * `tenantIds`: only the tenants this cluster serves (its owner, and every tenant with an agent
 * service placed there, live or not), so an agent learns nothing of other tenants and never
 * prunes services of tenants it was not told about; services of those tenants that the edge
 * does not know are pruned.
 */
export async function desiredReconciles(db: Db, clusterId: string): Promise<ReconcileCommand[]> {
  const tenants = await clusterTenants(db, clusterId);
  const rows = await db
    .select()
    .from(agentService)
    .where(and(eq(agentService.clusterId, clusterId), notInArray(agentService.status, ['removed', 'removing'])))
    .all();
  const secrets = rows.length
    ? await db
        .select({ agentServiceId: agentServiceSecret.agentServiceId, name: agentServiceSecret.name, contentHash: agentServiceSecret.contentHash })
        .from(agentServiceSecret)
        .innerJoin(agentService, eq(agentService.id, agentServiceSecret.agentServiceId))
        .where(eq(agentService.clusterId, clusterId))
        .all()
    : [];
  const byTenant = new Map<string, ReconcileEntry[]>();
  for (const row of rows) {
    const desired = await storedUpsert(row, secrets.filter((s) => s.agentServiceId === row.id));
    const entry = { tenantId: row.tenantId, agentServiceId: row.id, specHash: desired.specHash, desired };
    byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), entry]);
  }
  const out: ReconcileCommand[] = [];
  for (let i = 0; i < tenants.length; i += TENANTS_PER_COMMAND) {
    const tenantIds = tenants.slice(i, i + TENANTS_PER_COMMAND);
    out.push({ kind: 'reconcile', tenantIds, services: tenantIds.flatMap((id) => byTenant.get(id) ?? []) });
  }
  return out;
}

/** The tenants a cluster serves, sorted: its owner and whoever placed an agent service there. */
async function clusterTenants(db: Db, clusterId: string): Promise<string[]> {
  const placed = await db.selectDistinct({ id: agentService.tenantId }).from(agentService).where(eq(agentService.clusterId, clusterId)).all();
  const owner = await db
    .select({ id: cluster.ownerTenantId })
    .from(cluster)
    .innerJoin(tenant, eq(tenant.id, cluster.ownerTenantId))
    .where(eq(cluster.id, clusterId))
    .get();
  const ids = new Set(placed.map((r) => r.id));
  if (owner?.id) ids.add(owner.id);
  return [...ids].sort();
}

/**
 * Queues a reconcile of the cluster. It supersedes reconciles still queued (their snapshot is
 * older) and drops finished ones (each carries every spec of the cluster; only the newest matters).
 */
export async function enqueueReconcile(db: Db, clusterId: string, now: Date): Promise<number> {
  const commands = await desiredReconciles(db, clusterId);
  const mine = and(eq(command.clusterId, clusterId), eq(command.kind, 'reconcile'));
  const writes: BatchItem<'sqlite'>[] = [
    db.update(command).set({ status: 'cancelled', doneAt: now }).where(and(mine, eq(command.status, 'queued'))),
    db.delete(command).where(and(mine, inArray(command.status, ['done', 'failed', 'cancelled']))),
    ...commands.map((cmd) => enqueueCommand(db, { clusterId, tenantId: CLUSTER_SUBJECT, agentServiceId: null, cmd, actor: RECONCILER, now })),
  ];
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return commands.length;
}

/** Whether a reconcile of the cluster is out and not answered yet. */
export async function reconcileInFlight(db: Db, clusterId: string): Promise<boolean> {
  const row = await db
    .select({ id: command.id })
    .from(command)
    .where(and(eq(command.clusterId, clusterId), eq(command.kind, 'reconcile'), inArray(command.status, ['queued', 'sent'])))
    .get();
  return row !== undefined;
}
