import type { MiddlewareHandler } from 'hono';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { apiToken, tenant, type Db } from '@berth/db';
import type { AppEnv, Actor } from '../context.ts';
import type { BerthAuth } from '../auth/auth.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { hashToken, looksLikeToken } from '../tokens/token-secret.ts';

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Resolves the caller: `Authorization: Bearer berth_…` (an API token) or the better-auth session
 * cookie. A present-but-invalid credential is an error (401), never a silent downgrade to
 * anonymous; no credential at all is anonymous, and the authorize middleware decides.
 */
export function authenticate(deps: { db: Db; auth: BerthAuth; clock: Clock }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let actor: Actor = { kind: 'anonymous' };
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1] || !looksLikeToken(match[1])) throw new AppError(401, 'UNAUTHENTICATED', 'the bearer token is not valid');
      actor = await tokenActor(deps, match[1]);
    } else if (c.req.header('cookie')) {
      const session = await deps.auth.api.getSession({ headers: c.req.raw.headers });
      if (session) {
        const u = session.user as typeof session.user & { platformRole?: string | null; deactivatedAt?: Date | null };
        if (u.deactivatedAt) throw new AppError(401, 'ACCOUNT_DEACTIVATED', 'this account is deactivated');
        actor = {
          kind: 'user',
          userId: u.id,
          email: u.email,
          name: u.name,
          platformRole: u.platformRole === 'admin' ? 'admin' : 'user',
          sessionId: session.session.id,
        };
      }
    }
    c.set('actor', actor);
    await next();
  };
}

async function tokenActor(deps: { db: Db; clock: Clock }, token: string): Promise<Actor> {
  const now = deps.clock.now();
  const row = await deps.db
    .select({ id: apiToken.id, tenantId: apiToken.tenantId, role: apiToken.role, lastUsedAt: apiToken.lastUsedAt })
    .from(apiToken)
    .innerJoin(tenant, eq(tenant.id, apiToken.tenantId))
    .where(and(eq(apiToken.secretHash, await hashToken(token)), isNull(apiToken.revokedAt), gt(apiToken.expiresAt, now)))
    .get();
  if (!row) throw new AppError(401, 'UNAUTHENTICATED', 'the bearer token is not valid, expired or revoked');
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await deps.db.update(apiToken).set({ lastUsedAt: now }).where(eq(apiToken.id, row.id));
  }
  return { kind: 'token', tokenId: row.id, tenantId: row.tenantId, role: row.role };
}
