import type { MiddlewareHandler } from 'hono';
import { eq } from 'drizzle-orm';
import { apiToken, type Db } from '@berth/db';
import type { AppEnv, Actor } from '../context.ts';
import type { BerthAuth } from '../auth/auth.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { hashToken, looksLikeToken } from '../tokens/token-secret.ts';
import { findLiveToken } from '../tokens/token-authority.ts';

const LAST_USED_RESOLUTION_MS = 60_000;

export interface AuthenticateDeps {
  db: Db;
  auth: BerthAuth;
  clock: Clock;
}

/**
 * Resolves the caller: `Authorization: Bearer berth_…` (an API token) or the better-auth session
 * cookie. A present-but-invalid credential is an error (401), never a silent downgrade to
 * anonymous; no credential at all is anonymous, and the authorize middleware decides.
 */
export function authenticate(deps: AuthenticateDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('actor', await resolveActor(deps, c.req.raw.headers));
    await next();
  };
}

/**
 * Who the credentials in `headers` belong to, now. Throws a 401 AppError for a credential that
 * is present but no longer (or never) valid. Long-lived responses call it again to re-check.
 */
export async function resolveActor(deps: AuthenticateDeps, headers: Headers): Promise<Actor> {
  const header = headers.get('authorization');
  if (header !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1] || !looksLikeToken(match[1])) throw new AppError(401, 'UNAUTHENTICATED', 'the bearer token is not valid');
    return tokenActor(deps, match[1]);
  }
  if (!headers.get('cookie')) return { kind: 'anonymous' };
  const session = await deps.auth.api.getSession({ headers });
  if (!session) return { kind: 'anonymous' };
  const u = session.user as typeof session.user & { platformRole?: string | null; deactivatedAt?: Date | null };
  if (u.deactivatedAt) throw new AppError(401, 'ACCOUNT_DEACTIVATED', 'this account is deactivated');
  return {
    kind: 'user',
    userId: u.id,
    email: u.email,
    name: u.name,
    platformRole: u.platformRole === 'admin' ? 'admin' : 'user',
    sessionId: session.session.id,
  };
}

async function tokenActor(deps: { db: Db; clock: Clock }, token: string): Promise<Actor> {
  const now = deps.clock.now();
  const row = await findLiveToken(deps.db, { secretHash: await hashToken(token) }, now);
  if (!row) throw new AppError(401, 'UNAUTHENTICATED', 'the bearer token is not valid, expired or revoked, or its creator no longer holds a role in the tenant');
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await deps.db.update(apiToken).set({ lastUsedAt: now }).where(eq(apiToken.id, row.id));
  }
  return { kind: 'token', tokenId: row.id, tenantId: row.tenantId, role: row.role };
}
