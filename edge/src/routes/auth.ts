import type { BerthAuth } from '../auth/auth.ts';
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
  app.get('/api/auth/*', (c) => auth.handler(c.req.raw));
  app.post('/api/auth/*', async (c) => {
    const res = await auth.handler(c.req.raw);
    const action = `auth.${c.req.path.slice('/api/auth/'.length).replace(/\//g, '.')}`.slice(0, 80);
    const result = res.status < 400 ? 'success' : res.status === 401 || res.status === 403 ? 'denied' : 'failure';
    await recordOutcome(deps, requestFacts(c), PLATFORM_CHAIN, null, { action, details: { status: res.status } }, result);
    return res;
  });
}
