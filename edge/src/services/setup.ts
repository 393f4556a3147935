import { eq } from 'drizzle-orm';
import { account, platformState, user } from '@berth/db';
import type { SetupBody } from '@berth/protocol';
import type { RequestFacts } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { ServiceDeps } from './service-deps.ts';

const SETUP_KEY = 'setup';

export async function isSetupDone(deps: Pick<ServiceDeps, 'db'>): Promise<boolean> {
  const row = await deps.db.select({ key: platformState.key }).from(platformState).where(eq(platformState.key, SETUP_KEY)).get();
  return row !== undefined;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares digests so the comparison takes the same time whatever the input. */
async function tokensMatch(expected: string, given: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(expected), sha256(given)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Refuses at once, before any password hashing, when setup already ran or the token is wrong:
 * anonymous callers must not be able to buy a 128 MiB scrypt run with a guess.
 */
async function precheck(deps: Pick<ServiceDeps, 'db'>, setupToken: string | undefined, given: string): Promise<void> {
  if (await isSetupDone(deps)) throw new AppError(409, 'SETUP_ALREADY_DONE', 'setup has already been completed');
  if (!setupToken || !(await tokensMatch(setupToken, given))) throw new AppError(403, 'SETUP_TOKEN_INVALID', 'the setup token is not valid');
}

/**
 * First boot: with the one-time token, creates the first platform admin. The token and state are
 * checked before the password is hashed; the 'setup' row is inserted in the same batch as the
 * user, so two racing calls cannot both succeed, and every call after the first is refused.
 *
 * The administrator's email counts as verified: the setup token reaches only the operator
 * (their console or secret store), and the operator already controls the deployment (database,
 * keys), so a mailed check would stop no one it is meant to stop, and a first install works
 * before SMTP is configured.
 */
export async function runSetup(deps: ServiceDeps, req: RequestFacts, setupToken: string | undefined, body: SetupBody) {
  await precheck(deps, setupToken, body.token);
  const userId = crypto.randomUUID();
  const passwordHash = await deps.passwords.hash(body.password);
  return commitAudited(deps, req, PLATFORM_CHAIN, null, async () => {
    await precheck(deps, setupToken, body.token);
    const taken = await deps.db.select({ id: user.id }).from(user).where(eq(user.email, body.email)).get();
    if (taken) throw new AppError(409, 'CONFLICT', 'that email cannot be used for the administrator');
    const now = deps.clock.now();
    return {
      writes: [
        deps.db.insert(platformState).values({ key: SETUP_KEY, value: { adminId: userId }, updatedAt: now }),
        deps.db.insert(user).values({ id: userId, name: body.name, email: body.email, emailVerified: true, createdAt: now, updatedAt: now, platformRole: 'admin' }),
        deps.db.insert(account).values({ id: crypto.randomUUID(), accountId: userId, providerId: 'credential', userId, password: passwordHash, createdAt: now, updatedAt: now }),
      ],
      note: { action: 'setup.run', targetType: 'user', targetId: userId },
      result: { userId, email: body.email },
    };
  });
}
