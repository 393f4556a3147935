import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Logger } from '../logger.ts';

/**
 * better-auth's reset-password callback carries its token in the path (Berth mails links to the
 * UI instead, but anyone may call it); the log names the route, not the token.
 */
const TOKEN_IN_PATH = /^\/api\/auth\/reset-password\/[^/]+/;

/** One log line per request, with status and elapsed time. Never logs headers, bodies or query strings. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const actor = c.get('actor');
    logger.info('request handled', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path.replace(TOKEN_IN_PATH, '/api/auth/reset-password/:token'),
      status: c.res.status,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
      actor: actor?.kind,
      tenantId: c.get('scope')?.tenantId,
    });
  };
}
