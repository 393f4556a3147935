import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';

/** Records the caller's address as the runtime reports it (the entry decides whom to trust). */
export function clientIp(resolve: ((c: Context) => string | null) | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('ip', resolve?.(c) ?? null);
    await next();
  };
}
