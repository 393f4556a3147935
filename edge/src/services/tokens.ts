import { and, desc, eq, isNull } from 'drizzle-orm';
import { apiToken } from '@berth/db';
import type { ApiToken, Role } from '@berth/protocol';
import type { RequestFacts, TenantScope } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { tokenDto } from './dto.ts';
import type { ServiceDeps } from './service-deps.ts';
import { assertMayGrant } from './rank.ts';
import { hashToken, newTokenSecret } from '../tokens/token-secret.ts';

const DAY_MS = 86_400_000;

/** Creates a token; the secret is in the answer once and never again. */
export async function createToken(
  deps: ServiceDeps,
  req: RequestFacts,
  scope: TenantScope,
  body: { name: string; role: Role; expiresInDays: number },
): Promise<ApiToken & { token: string }> {
  if (req.actor.kind !== 'user') throw new AppError(403, 'FORBIDDEN', 'API tokens cannot mint tokens');
  const creator = req.actor.userId;
  const id = crypto.randomUUID();
  const { token, prefix } = newTokenSecret();
  const secretHash = await hashToken(token);
  return commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    assertMayGrant(scope, body.role);
    const now = deps.clock.now();
    const row = {
      id,
      tenantId: scope.tenantId,
      name: body.name,
      role: body.role,
      prefix,
      secretHash,
      createdBy: creator,
      expiresAt: new Date(now.getTime() + body.expiresInDays * DAY_MS),
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
    };
    return {
      writes: [deps.db.insert(apiToken).values(row)],
      note: { action: 'token.create', targetType: 'token', targetId: id, details: { role: body.role, name: body.name } },
      result: { ...tokenDto(row), token },
    };
  });
}

/** Live (unrevoked) tokens of the tenant. */
export async function listTokens(deps: ServiceDeps, scope: TenantScope): Promise<ApiToken[]> {
  const rows = await deps.db
    .select()
    .from(apiToken)
    .where(and(eq(apiToken.tenantId, scope.tenantId), isNull(apiToken.revokedAt)))
    .orderBy(desc(apiToken.createdAt))
    .all();
  return rows.map(tokenDto);
}

export async function revokeToken(deps: ServiceDeps, req: RequestFacts, scope: TenantScope, tokenId: string): Promise<void> {
  await commitAudited(deps, req, scope.tenantId, scope.tenantId, async () => {
    const row = await deps.db
      .select()
      .from(apiToken)
      .where(and(eq(apiToken.id, tokenId), eq(apiToken.tenantId, scope.tenantId), isNull(apiToken.revokedAt)))
      .get();
    if (!row) throw new AppError(404, 'NOT_FOUND', 'token not found');
    return {
      writes: [deps.db.update(apiToken).set({ revokedAt: deps.clock.now() }).where(eq(apiToken.id, row.id))],
      note: { action: 'token.revoke', targetType: 'token', targetId: row.id },
      result: undefined,
    };
  });
}
