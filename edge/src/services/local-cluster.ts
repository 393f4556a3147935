import { and, asc, eq, isNull } from 'drizzle-orm';
import { cluster } from '@berth/db';
import { DEFAULT_ALLOWED_REGISTRIES } from '@berth/protocol';
import type { RequestFacts } from '../context.ts';
import { createCluster, issueJoinToken, type ClusterDeps } from './clusters.ts';

export const LOCAL_CLUSTER_NAME = 'local';

const system: RequestFacts = { requestId: 'local-agent-bootstrap', ip: null, actor: { kind: 'system', name: 'berth-start' } };

/**
 * `npm start` on a machine with Docker: makes sure the shared cluster "local" exists and returns
 * a fresh one-time join token for the agent that runs next to the edge. Audited on the
 * platform chain as Berth itself.
 */
export async function localAgentJoinToken(deps: ClusterDeps): Promise<string> {
  const existing = await deps.db
    .select({ id: cluster.id })
    .from(cluster)
    .where(and(eq(cluster.name, LOCAL_CLUSTER_NAME), isNull(cluster.ownerTenantId)))
    .orderBy(asc(cluster.createdAt))
    .get();
  const joined = existing
    ? await issueJoinToken(deps, system, null, existing.id, 10)
    : await createCluster(deps, system, null, { name: LOCAL_CLUSTER_NAME, allowManagerPlacement: false, allowedRegistries: DEFAULT_ALLOWED_REGISTRIES, allowedPlacementLabels: [], volumeDriver: 'local', tokenTtlMinutes: 10 });
  return joined.joinToken;
}
