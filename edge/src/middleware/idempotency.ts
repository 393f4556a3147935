import type { MiddlewareHandler } from 'hono';
import { and, eq, lt } from 'drizzle-orm';
import { idempotencyRecord, type Db } from '@berth/db';
import type { AppEnv } from '../context.ts';
import { actorId } from '../context.ts';
import { AppError } from '../errors.ts';
import { isMutating } from '../permissions.ts';
import { sha256Hex } from '../agents/naming.ts';
import type { Clock } from '../clock.ts';

const KEY = /^[\x21-\x7e]{1,255}$/;
const RETAIN_MS = 24 * 60 * 60 * 1000;
const IN_PROGRESS = 0;

/**
 * Honours `Idempotency-Key` on every mutating route: the first answer (2xx–4xx) to a key is
 * stored per caller and route, and a retry with the same key and body gets that answer again
 * (`Idempotent-Replayed: true`) without running twice. The same key with another body is
 * refused (422 IDEMPOTENCY_KEY_REUSED); a retry while the first is still running gets 409.
 * 5xx answers are not kept, so a retry after a failure runs again. Keys live for 24 hours.
 *
 * A success on a route whose answer carries a one-time secret (`oneTimeSecret` in the permission
 * table: API tokens, join tokens) is kept without its body: the secret is never stored here, and
 * a retry answers 409 SECRET_ALREADY_SHOWN (with the first answer's status) instead of the secret.
 */
export function idempotency(deps: { db: Db; clock: Clock }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined || !isMutating(c.req.method)) return next();
    if (!KEY.test(key)) throw new AppError(400, 'VALIDATION_FAILED', 'Idempotency-Key must be 1–255 visible ASCII characters');
    const actor = c.get('actor');
    const scope = `${actor.kind}:${actorId(actor) ?? '-'}:${c.req.method} ${c.req.path}`;
    const requestHash = await sha256Hex(await c.req.raw.clone().text());
    const now = deps.clock.now();
    await deps.db.delete(idempotencyRecord).where(lt(idempotencyRecord.createdAt, new Date(now.getTime() - RETAIN_MS)));

    const claimed = await deps.db
      .insert(idempotencyRecord)
      .values({ scope, key, requestHash, status: IN_PROGRESS, body: '', createdAt: now })
      .onConflictDoNothing()
      .returning({ key: idempotencyRecord.key });
    if (claimed.length === 0) {
      const prior = await deps.db.select().from(idempotencyRecord).where(and(eq(idempotencyRecord.scope, scope), eq(idempotencyRecord.key, key))).get();
      if (!prior) throw new AppError(409, 'CONFLICT', 'retry with this Idempotency-Key');
      if (prior.requestHash !== requestHash) throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
      if (prior.status === IN_PROGRESS) throw new AppError(409, 'CONFLICT', 'a request with this Idempotency-Key is still running');
      if (prior.status < 300 && c.get('rule')?.oneTimeSecret) {
        throw new AppError(409, 'SECRET_ALREADY_SHOWN', 'this request already succeeded; its one-time secret was shown once and is not repeated', { status: prior.status });
      }
      return new Response(prior.body, { status: prior.status, headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' } });
    }

    const where = and(eq(idempotencyRecord.scope, scope), eq(idempotencyRecord.key, key));
    try {
      await next();
    } catch (err) {
      await deps.db.delete(idempotencyRecord).where(where);
      throw err;
    }
    if (c.res.status >= 500) {
      await deps.db.delete(idempotencyRecord).where(where);
      return;
    }
    const withheld = c.res.status < 300 && c.get('rule')?.oneTimeSecret;
    const body = withheld ? '' : await c.res.clone().text();
    await deps.db.update(idempotencyRecord).set({ status: c.res.status, body }).where(where);
  };
}
