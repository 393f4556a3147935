import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is a safe token, else a new
 * UUID. Echoed in the response header, in logs and in every error envelope.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
