import type { MiddlewareHandler } from 'hono';
import type { AppEnv, Actor } from '../context.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { RateLimitStore } from '../rate-limit/store.ts';

/**
 * Anonymous endpoints that cost a password hash or guard a credential: each gets a bucket of
 * its own per address, stricter than the general one (POST only).
 */
const AUTH_ENDPOINTS = [
  '/api/v1/setup',
  '/api/auth/sign-in/',
  '/api/auth/sign-up/',
  '/api/auth/forget-password',
  '/api/auth/request-password-reset',
  '/api/auth/reset-password',
  '/api/auth/two-factor/verify',
] as const;

interface Bucket {
  key: string;
  limit: number;
}

function authEndpoint(method: string, path: string): string | undefined {
  if (method !== 'POST') return undefined;
  return AUTH_ENDPOINTS.find((p) => (p.endsWith('/') ? path.startsWith(p) : path === p || path.startsWith(`${p}/`)));
}

/** The buckets a request counts against: its caller's, and for auth endpoints its address's. */
function bucketsFor(config: Config, actor: Actor, ip: string, method: string, path: string): Bucket[] {
  const buckets: Bucket[] = [];
  const endpoint = authEndpoint(method, path);
  if (endpoint) buckets.push({ key: `auth:${endpoint}:${ip}`, limit: config.BERTH_RATE_LIMIT_AUTH });
  if (!path.startsWith('/api/v1/')) return buckets;
  switch (actor.kind) {
    case 'user':
      buckets.push({ key: `user:${actor.userId}`, limit: config.BERTH_RATE_LIMIT_USER });
      break;
    case 'token':
      buckets.push({ key: `token:${actor.tokenId}`, limit: config.BERTH_RATE_LIMIT_TOKEN });
      buckets.push({ key: `tenant:${actor.tenantId}`, limit: config.BERTH_RATE_LIMIT_TENANT });
      break;
    default:
      buckets.push({ key: `ip:${ip}`, limit: config.BERTH_RATE_LIMIT_ANONYMOUS });
  }
  return buckets;
}

/**
 * Limits requests per window: anonymous callers per client address (as the client-ip middleware
 * recorded it; a request whose address is unknown shares one bucket with all such requests),
 * signed-in users per user, API tokens per token and per tenant, and the sign-in, sign-up,
 * password-reset and setup endpoints per address each. Over the limit: 429 RATE_LIMITED with
 * `Retry-After` (seconds until the window ends). Counters live in `store`.
 */
export function rateLimit(deps: { store: RateLimitStore; clock: Clock; config: Config }): MiddlewareHandler<AppEnv> {
  const windowMs = deps.config.BERTH_RATE_LIMIT_WINDOW_SECONDS * 1000;
  return async (c, next) => {
    const nowMs = deps.clock.now().getTime();
    const buckets = bucketsFor(deps.config, c.get('actor'), c.get('ip') ?? 'unknown', c.req.method, c.req.path);
    for (const bucket of buckets) {
      const hit = await deps.store.hit(bucket.key, windowMs, nowMs);
      if (hit.count > bucket.limit) {
        const retryAfter = Math.max(1, Math.ceil((hit.resetAtMs - nowMs) / 1000));
        throw new AppError(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, undefined, { headers: { 'retry-after': String(retryAfter) } });
      }
    }
    await next();
  };
}
