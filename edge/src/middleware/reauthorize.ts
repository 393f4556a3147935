import type { Context } from 'hono';
import type { Actor, AppEnv } from '../context.ts';
import type { AuditDeps } from '../audit/record.ts';
import { AppError } from '../errors.ts';
import { resolveActor, type AuthenticateDeps } from './authenticate.ts';
import { decideAccess } from './authorize.ts';

/** Answers whether the request's caller may still do what the request was authorized for. */
export type Reauthorize = (c: Context<AppEnv>) => Promise<boolean>;

const samePrincipal = (a: Actor, b: Actor) =>
  (a.kind === 'user' && b.kind === 'user' && a.userId === b.userId) ||
  (a.kind === 'token' && b.kind === 'token' && a.tokenId === b.tokenId) ||
  (a.kind === 'anonymous' && b.kind === 'anonymous');

/**
 * For responses that outlive their request (event streams): runs authentication and the route's
 * authorization again against the request's own credentials, as they stand now. False when the
 * session ended, the account was deactivated, the membership or its role went, or the token was
 * revoked, expired or lost its creator's authority. A failed check (the database unreachable,
 * say) also answers false: the stream closes and the client reconnects through the front door.
 */
export function reauthorizer(deps: AuthenticateDeps & AuditDeps): Reauthorize {
  return async (c) => {
    const rule = c.get('rule');
    const scope = c.get('scope');
    try {
      const actor = await resolveActor(deps, c.req.raw.headers);
      if (!samePrincipal(c.get('actor'), actor)) return false;
      const decision = await decideAccess(deps, actor, rule, scope?.tenantId ?? '');
      return decision.allow && decision.scope?.tenantId === scope?.tenantId;
    } catch (err) {
      if (!(err instanceof AppError)) deps.logger.warn('re-authorization failed', { requestId: c.get('requestId'), errorName: err instanceof Error ? err.name : typeof err });
      return false;
    }
  };
}
