import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { AppError } from '../errors.ts';
import { isMutating } from '../permissions.ts';

/** A Berth session cookie (`berth.…`, or `__Secure-berth.…` over HTTPS). */
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?berth\./;

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Cross-site request forgery guard. A state-changing request (anything but GET, HEAD, OPTIONS)
 * that carries a Berth session cookie must come from a trusted origin: its `Origin` header, or
 * when that is missing its `Referer`'s origin, must be in `trusted`; with neither it is refused.
 * Requests with `Authorization` (API tokens) carry no ambient credential and are not checked.
 * Runs before authentication, so a refused request touches nothing.
 */
export function originCheck(trusted: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(trusted);
  return async (c, next) => {
    if (!isMutating(c.req.method) || c.req.header('authorization') !== undefined || !SESSION_COOKIE.test(c.req.header('cookie') ?? '')) return next();
    // An empty Origin is treated as none; the literal `null` (opaque origins) is refused.
    const origin = c.req.header('origin') || undefined;
    const from = origin !== undefined ? originOf(origin) : originOf(c.req.header('referer'));
    if (!from || !allowed.has(from)) throw new AppError(403, 'ORIGIN_NOT_TRUSTED', 'this request did not come from a trusted origin');
    await next();
  };
}
