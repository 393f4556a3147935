import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Logger } from '../logger.ts';

/** One log line per request, with status and elapsed time. Never logs headers or bodies. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const actor = c.get('actor');
    logger.info('request handled', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
      actor: actor?.kind,
      tenantId: c.get('scope')?.tenantId,
    });
  };
}
