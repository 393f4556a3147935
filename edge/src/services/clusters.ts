import { and, asc, count, eq, gt, isNull, or } from 'drizzle-orm';
import { agent, cluster, joinToken, type Db } from '@berth/db';
import { AdmissionPolicy, type Cluster, type ClusterJoin, type CreateClusterBody } from '@berth/protocol';
import { actorId, type RequestFacts, type TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { ServiceDeps } from './service-deps.ts';
import type { Config } from '../config.ts';
import { UNREACHABLE_AFTER_MS } from '../agents/agent-session.ts';
import { sha256Hex } from '../agents/naming.ts';

type ClusterRow = typeof cluster.$inferSelect;

export interface ClusterDeps extends ServiceDeps {
  edgeKid: string;
  baseUrl: string;
  /** BERTH_MAX_CLUSTERS_PER_TENANT and BERTH_MAX_PENDING_JOIN_TOKENS. */
  limits: { clustersPerTenant: number; pendingJoinTokens: number };
}

export const clusterLimitsOf = (config: Config): ClusterDeps['limits'] => ({
  clustersPerTenant: config.BERTH_MAX_CLUSTERS_PER_TENANT,
  pendingJoinTokens: config.BERTH_MAX_PENDING_JOIN_TOKENS,
});

/** Refuses a tenant's cluster past its limit (counted inside the audited batch's plan, so two racing creates cannot both pass). */
async function assertClusterRoom(deps: ClusterDeps, tenantId: string) {
  const [row] = await deps.db.select({ n: count() }).from(cluster).where(eq(cluster.ownerTenantId, tenantId)).all();
  if ((row?.n ?? 0) >= deps.limits.clustersPerTenant) {
    throw new AppError(409, 'CLUSTER_LIMIT', `a tenant may register at most ${deps.limits.clustersPerTenant} clusters`);
  }
}

/** Refuses another join token while the cluster has as many pending (unused, unexpired) as allowed. */
async function assertJoinTokenRoom(deps: ClusterDeps, clusterId: string, now: Date) {
  const [row] = await deps.db
    .select({ n: count() })
    .from(joinToken)
    .where(and(eq(joinToken.clusterId, clusterId), isNull(joinToken.usedAt), gt(joinToken.expiresAt, now)))
    .all();
  if ((row?.n ?? 0) >= deps.limits.pendingJoinTokens) {
    throw new AppError(409, 'JOIN_TOKEN_LIMIT', `a cluster may have at most ${deps.limits.pendingJoinTokens} unused join tokens; wait for one to expire or be used`);
  }
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The cluster's admission policy (the lists were parsed at read; the policy's own limits apply here). */
export function admissionPolicyOf(row: ClusterRow): AdmissionPolicy {
  return AdmissionPolicy.parse({
    allowedRegistries: row.allowedRegistries,
    allowManagerPlacement: row.allowManagerPlacement,
    allowedPlacementLabels: row.allowedPlacementLabels,
    volumeDriver: row.volumeDriver,
  });
}

/**
 * How much of a cluster's nodes a caller sees. `full` (platform admins on shared clusters, the
 * owning tenant on its own) lists every agent: id, hostname, Swarm node id, version. `summary`
 * (a tenant looking at a shared cluster) gives counts only: hostnames and node ids of machines
 * other tenants share are infrastructure details a tenant needs no more than it needs theirs.
 */
export type ClusterView = 'full' | 'summary';

/** The view `owner` (null = platform) gets of `row`. */
export const viewFor = (row: ClusterRow, owner: TenantScope | null): ClusterView => (owner === null || row.ownerTenantId === owner.tenantId ? 'full' : 'summary');

export async function clusterDto(db: Db, row: ClusterRow, now: Date, view: ClusterView): Promise<Cluster> {
  const agents = await db.select().from(agent).where(and(eq(agent.clusterId, row.id), isNull(agent.revokedAt))).orderBy(asc(agent.enrolledAt)).all();
  const online = (a: (typeof agents)[number]) => a.lastSeenAt !== null && now.getTime() - a.lastSeenAt.getTime() < UNREACHABLE_AFTER_MS;
  return {
    id: row.id,
    name: row.name,
    shared: row.ownerTenantId === null,
    ownerTenantId: row.ownerTenantId,
    allowManagerPlacement: row.allowManagerPlacement,
    allowedRegistries: row.allowedRegistries,
    allowedPlacementLabels: row.allowedPlacementLabels,
    volumeDriver: row.volumeDriver,
    agents:
      view === 'summary'
        ? []
        : agents.map((a) => ({
            id: a.id,
            hostname: a.hostname,
            swarmNodeId: a.swarmNodeId,
            version: a.version,
            online: online(a),
            lastSeenAt: a.lastSeenAt?.toISOString() ?? null,
            enrolledAt: a.enrolledAt.toISOString(),
          })),
    nodes: { total: agents.length, online: agents.filter(online).length },
    createdAt: row.createdAt.toISOString(),
  };
}

/** A fresh one-time join token row and the token text (`bj1.<secret>.<edge key thumbprint>`). */
async function newJoinToken(deps: ClusterDeps, clusterId: string, createdBy: string, ttlMinutes: number) {
  const secret = randomSecret();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000);
  const row = { id: crypto.randomUUID(), clusterId, secretHash: await sha256Hex(secret), expiresAt, usedAt: null, createdBy, createdAt: now };
  return { row, token: `bj1.${secret}.${deps.edgeKid}`, expiresAt };
}

const enrollCommand = (deps: ClusterDeps, token: string) => `berth-agent enroll --edge ${deps.baseUrl} --token ${token} && berth-agent run`;

/** Registers a cluster: shared when `owner` is null (platform admin), else the tenant's own. */
export async function createCluster(deps: ClusterDeps, req: RequestFacts, owner: TenantScope | null, body: CreateClusterBody): Promise<ClusterJoin> {
  const creator = actorId(req.actor) ?? 'anonymous';
  const id = crypto.randomUUID();
  const join = await newJoinToken(deps, id, creator, body.tokenTtlMinutes);
  const chain = owner ? owner.tenantId : PLATFORM_CHAIN;
  const now = deps.clock.now();
  const row: ClusterRow = {
    id,
    name: body.name,
    ownerTenantId: owner?.tenantId ?? null,
    allowManagerPlacement: body.allowManagerPlacement,
    allowedRegistries: body.allowedRegistries,
    allowedPlacementLabels: body.allowedPlacementLabels,
    volumeDriver: body.volumeDriver,
    createdBy: creator,
    createdAt: now,
  };
  await commitAudited(deps, req, chain, owner?.tenantId ?? null, async () => {
    if (owner) await assertClusterRoom(deps, owner.tenantId);
    return {
      writes: [deps.db.insert(cluster).values(row), deps.db.insert(joinToken).values(join.row)],
      note: { action: 'cluster.create', targetType: 'cluster', targetId: id, details: { shared: !owner } },
      result: undefined,
    };
  });
  return { cluster: await clusterDto(deps.db, row, now, 'full'), joinToken: join.token, expiresAt: join.expiresAt.toISOString(), enrollCommand: enrollCommand(deps, join.token) };
}

/** A new join token for another manager of an existing cluster. */
export async function issueJoinToken(deps: ClusterDeps, req: RequestFacts, owner: TenantScope | null, clusterId: string, ttlMinutes: number): Promise<ClusterJoin> {
  const row = await findClusterFor(deps.db, clusterId, owner, { ownedOnly: true });
  const creator = actorId(req.actor) ?? 'anonymous';
  const join = await newJoinToken(deps, row.id, creator, ttlMinutes);
  await commitAudited(deps, req, owner ? owner.tenantId : PLATFORM_CHAIN, owner?.tenantId ?? null, async () => {
    await assertJoinTokenRoom(deps, row.id, deps.clock.now());
    return {
      writes: [deps.db.insert(joinToken).values(join.row)],
      note: { action: 'cluster.join-token', targetType: 'cluster', targetId: row.id },
      result: undefined,
    };
  });
  return { cluster: await clusterDto(deps.db, row, deps.clock.now(), 'full'), joinToken: join.token, expiresAt: join.expiresAt.toISOString(), enrollCommand: enrollCommand(deps, join.token) };
}

/**
 * A cluster as `owner` may see it: platform callers (owner null) see shared ones; a tenant sees
 * its own and, unless `ownedOnly`, the shared ones. Anything else is 404.
 */
export async function findClusterFor(db: Db, clusterId: string, owner: TenantScope | null, opts: { ownedOnly?: boolean } = {}): Promise<ClusterRow> {
  const visible = owner
    ? opts.ownedOnly
      ? eq(cluster.ownerTenantId, owner.tenantId)
      : or(eq(cluster.ownerTenantId, owner.tenantId), isNull(cluster.ownerTenantId))
    : isNull(cluster.ownerTenantId);
  const row = await db.select().from(cluster).where(and(eq(cluster.id, clusterId), visible)).get();
  if (!row) throw new AppError(404, 'NOT_FOUND', 'cluster not found');
  return row;
}

export async function listClusters(deps: ServiceDeps, owner: TenantScope | null): Promise<Cluster[]> {
  const where = owner ? or(eq(cluster.ownerTenantId, owner.tenantId), isNull(cluster.ownerTenantId)) : undefined;
  const rows = await deps.db.select().from(cluster).where(where).orderBy(asc(cluster.createdAt)).all();
  const now = deps.clock.now();
  return Promise.all(rows.map((r) => clusterDto(deps.db, r, now, viewFor(r, owner))));
}

/** The cluster a new agent service of this tenant lands on when none is named: its own first, else shared. */
export async function defaultClusterFor(db: Db, tenantId: string): Promise<ClusterRow | undefined> {
  const own = await db.select().from(cluster).where(eq(cluster.ownerTenantId, tenantId)).orderBy(asc(cluster.createdAt)).get();
  return own ?? db.select().from(cluster).where(isNull(cluster.ownerTenantId)).orderBy(asc(cluster.createdAt)).get();
}

/** Consumes a join token: valid, unexpired and unused, or undefined. */
export async function redeemJoinToken(db: Db, secret: string, now: Date) {
  const hash = await sha256Hex(secret);
  const rows = await db
    .update(joinToken)
    .set({ usedAt: now })
    .where(and(eq(joinToken.secretHash, hash), isNull(joinToken.usedAt), gt(joinToken.expiresAt, now)))
    .returning({ clusterId: joinToken.clusterId });
  return rows[0];
}
