import { and, eq, gt, isNull } from 'drizzle-orm';
import { agent, cluster, joinToken } from '@berth/db';
import { parseJoinToken, type EnrollRequest, type EnrollResponse } from '@berth/protocol';
import type { RequestFacts } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { ServiceDeps } from './service-deps.ts';
import type { EdgeKey } from '../agents/edge-key.ts';
import { sha256Hex } from '../agents/naming.ts';

/**
 * Where agents connect. The connect URL handed out at enrollment adds `?agent=<id>`: a routing
 * hint only (Workers pick the cluster's Durable Object by it); the handshake still proves the id.
 */
export const AGENT_CONNECT_PATH = '/api/v1/agents/connect';

const invalid = () => new AppError(401, 'JOIN_TOKEN_INVALID', 'the join token is not valid, expired or already used');

/**
 * Enrolls a node agent with a one-time join token. The token names the edge key it trusts; a
 * token minted by another edge is refused. Redeeming the token and creating the agent happen in
 * one audited batch on the cluster's chain, so a token can enroll exactly one agent.
 */
export async function enrollAgent(deps: ServiceDeps & { edgeKey: EdgeKey; baseUrl: string }, req: RequestFacts, body: EnrollRequest): Promise<EnrollResponse> {
  const parsed = parseJoinToken(body.token);
  if (!parsed || parsed.edgeKeyThumbprint !== deps.edgeKey.kid) throw invalid();
  const hash = await sha256Hex(parsed.secret);
  const found = await deps.db
    .select({ tokenId: joinToken.id, clusterId: joinToken.clusterId, owner: cluster.ownerTenantId })
    .from(joinToken)
    .innerJoin(cluster, eq(cluster.id, joinToken.clusterId))
    .where(eq(joinToken.secretHash, hash))
    .get();
  if (!found) throw invalid();
  const agentId = crypto.randomUUID();
  const chain = found.owner ?? PLATFORM_CHAIN;
  await commitAudited(deps, req, chain, found.owner, async () => {
    const now = deps.clock.now();
    const live = await deps.db
      .select({ id: joinToken.id })
      .from(joinToken)
      .where(and(eq(joinToken.id, found.tokenId), isNull(joinToken.usedAt), gt(joinToken.expiresAt, now)))
      .get();
    if (!live) throw invalid();
    return {
      writes: [
        deps.db.update(joinToken).set({ usedAt: now }).where(eq(joinToken.id, found.tokenId)),
        deps.db.insert(agent).values({
          id: agentId,
          clusterId: found.clusterId,
          publicKeyJwk: body.publicKeyJwk,
          hostname: body.hostname,
          swarmNodeId: body.swarmNodeId,
          version: body.agentVersion,
          enrolledAt: now,
        }),
      ],
      note: { action: 'agent.enroll', targetType: 'agent', targetId: agentId, details: { clusterId: found.clusterId, hostname: body.hostname } },
      result: undefined,
    };
  });
  const wsBase = deps.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '');
  return { agentId, clusterId: found.clusterId, edgePublicKeyJwk: deps.edgeKey.publicJwk, edgeKid: deps.edgeKey.kid, connectUrl: `${wsBase}${AGENT_CONNECT_PATH}?agent=${agentId}` };
}
