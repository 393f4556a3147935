import { and, eq, gt, isNull, type SQL } from 'drizzle-orm';
import { apiToken, membership, tenant, user, type Db } from '@berth/db';
import { ROLE_RANK, type Role } from '@berth/protocol';

/** A token that may act now, with the role it may act with. */
export interface LiveToken {
  id: string;
  tenantId: string;
  /** The lower of the token's own role and its creator's current role in the tenant. */
  role: Role;
  lastUsedAt: Date | null;
}

/** The lower of two roles. */
export function lowerRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/**
 * A token holds no authority of its own: it acts with what its creator holds in the tenant now.
 * In one query (token → tenant → the creator's membership → the creator's account), the token
 * found by `match` if it is unrevoked, unexpired, its creator is still a member of its tenant and
 * the creator's account is active; undefined otherwise. The creator's platform role plays no part.
 */
export async function findLiveToken(db: Db, match: { secretHash: string } | { id: string }, now: Date): Promise<LiveToken | undefined> {
  const by: SQL = 'id' in match ? eq(apiToken.id, match.id) : eq(apiToken.secretHash, match.secretHash);
  const row = await db
    .select({ id: apiToken.id, tenantId: apiToken.tenantId, tokenRole: apiToken.role, creatorRole: membership.role, lastUsedAt: apiToken.lastUsedAt })
    .from(apiToken)
    .innerJoin(tenant, eq(tenant.id, apiToken.tenantId))
    .innerJoin(membership, and(eq(membership.tenantId, apiToken.tenantId), eq(membership.userId, apiToken.createdBy)))
    .innerJoin(user, eq(user.id, apiToken.createdBy))
    .where(and(by, isNull(apiToken.revokedAt), gt(apiToken.expiresAt, now), isNull(user.deactivatedAt)))
    .get();
  if (!row) return undefined;
  return { id: row.id, tenantId: row.tenantId, role: lowerRole(row.tokenRole, row.creatorRole), lastUsedAt: row.lastUsedAt };
}
