import type { Context } from 'hono';
import { CLIENT_IP_HEADER, type BerthAuth } from '../auth/auth.ts';
import type { AppEnv } from '../context.ts';
import type { AuditDeps } from '../audit/record.ts';
import { recordOutcome } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { App } from './openapi.ts';
import { requestFacts } from './request-facts.ts';

/**
 * Mounts better-auth under /api/auth. Its writes happen inside the library, so its audit rows
 * (platform chain, one per state-changing call) are appended right after it answers rather
 * than in its transaction; the README lists this difference.
 */
export function authRoutes(app: App, auth: BerthAuth, deps: AuditDeps) {
  app.get('/api/auth/*', (c) => auth.handler(withClientIp(c)));
  app.post('/api/auth/*', async (c) => {
    const res = await auth.handler(withClientIp(c));
    const action = `auth.${c.req.path.slice('/api/auth/'.length).replace(/\//g, '.')}`.slice(0, 80);
    const result = res.status < 400 ? 'success' : res.status === 401 || res.status === 403 ? 'denied' : 'failure';
    await recordOutcome(deps, requestFacts(c), PLATFORM_CHAIN, null, { action, details: { status: res.status } }, result);
    return res;
  });
}

/** The request as better-auth sees it: the client address is the one the entry resolved, or none. */
function withClientIp(c: Context<AppEnv>): Request {
  const headers = new Headers(c.req.raw.headers);
  headers.delete(CLIENT_IP_HEADER);
  const ip = c.get('ip');
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  return new Request(c.req.raw, { headers });
}
