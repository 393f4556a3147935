import type { Context } from 'hono';
import { CLIENT_IP_HEADER, SIGNED_IN_USER_HEADER, type BerthAuth } from '../auth/auth.ts';
import type { AppEnv } from '../context.ts';
import type { AuditDeps } from '../audit/record.ts';
import type { AppError } from '../errors.ts';
import { recordOutcome } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { App } from './openapi.ts';
import type { RefusalTally } from '../audit/refusal-tally.ts';
import { requestFacts } from './request-facts.ts';

/** Why an account for this email may not be created now, or null. */
export type SignUpGate = (email: string) => Promise<AppError | null>;

/**
 * Mounts better-auth under /api/auth. Its writes happen inside the library, so its audit rows
 * (platform chain, one per state-changing call) are appended right after it answers rather
 * than in its transaction; the README lists this difference.
 *
 * Refusals of anonymous callers (a wrong password, a closed registration) are counted, not
 * chained (see audit/refusal-tally.ts).
 *
 * An email sign-up is checked against the registration policy before the library sees it, so
 * the refusal is the same whether or not the email is registered (the library looks the email
 * up first) and comes in the Berth error envelope. The library's own user-create hook applies
 * the same policy to every other way an account appears (OIDC).
 */
export function authRoutes(app: App, auth: BerthAuth, deps: AuditDeps & { refusals: RefusalTally }, gate: SignUpGate) {
  app.get('/api/auth/*', (c) => auth.handler(withClientIp(c)));
  app.post('/api/auth/*', async (c) => {
    const action = `auth.${c.req.path.slice('/api/auth/'.length).replace(/\//g, '.')}`.slice(0, 80);
    if (c.req.path === '/api/auth/sign-up/email') {
      const refusal = await gate(await signUpEmail(c));
      if (refusal) throw refusal; // anonymous: counted by the error handler, not chained
    }
    const res = await auth.handler(withClientIp(c));
    const result = res.status < 400 ? 'success' : res.status === 401 || res.status === 403 ? 'denied' : 'failure';
    // Anyone can send refused sign-ins: count them rather than chain a row each.
    if (result !== 'success' && c.get('actor').kind === 'anonymous') {
      deps.refusals.count(`AUTH_${res.status}`);
      return res;
    }
    await recordOutcome(deps, requestFacts(c), PLATFORM_CHAIN, null, { action, details: { status: res.status } }, result);
    return res;
  });
}

/**
 * The request as better-auth sees it: the client address is the one the entry resolved, or
 * none, and the signed-in user is the one the session resolved to, or none.
 */
function withClientIp(c: Context<AppEnv>): Request {
  const headers = new Headers(c.req.raw.headers);
  headers.delete(CLIENT_IP_HEADER);
  headers.delete(SIGNED_IN_USER_HEADER);
  const ip = c.get('ip');
  if (ip) headers.set(CLIENT_IP_HEADER, ip);
  const actor = c.get('actor');
  if (actor.kind === 'user') headers.set(SIGNED_IN_USER_HEADER, actor.userId);
  return new Request(c.req.raw, { headers });
}

/** The email a sign-up asks for ('' when the body has none; the library then refuses the body). */
async function signUpEmail(c: Context<AppEnv>): Promise<string> {
  const body: unknown = await c.req.raw
    .clone()
    .json()
    .catch(() => null);
  const email = body !== null && typeof body === 'object' && 'email' in body ? body.email : undefined;
  return typeof email === 'string' ? email : '';
}
