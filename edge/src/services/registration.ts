import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { invitation, platformState, tenant } from '@berth/db';
import { RegistrationMode, type RegistrationPolicy } from '@berth/protocol';
import type { RequestFacts } from '../context.ts';
import { AppError } from '../errors.ts';
import { commitAudited } from '../audit/record.ts';
import { PLATFORM_CHAIN } from '../audit/store.ts';
import type { ServiceDeps } from './service-deps.ts';

/** The platform_state row holding the policy; no row means the default. */
const REGISTRATION_KEY = 'registration';
const DEFAULT_MODE: RegistrationMode = 'open';

/** The stored mode. A row that no longer parses (hand-edited) closes registration rather than opening it. */
export async function readRegistrationMode(deps: Pick<ServiceDeps, 'db'>): Promise<RegistrationMode> {
  const row = await deps.db.select({ value: platformState.value }).from(platformState).where(eq(platformState.key, REGISTRATION_KEY)).get();
  if (!row) return DEFAULT_MODE;
  const parsed = StoredPolicy.safeParse(row.value);
  return parsed.success ? parsed.data.mode : 'closed';
}

const StoredPolicy = z.object({ mode: RegistrationMode });

/** Sets the mode; the change and its audit row commit together on the platform chain. */
export async function setRegistrationMode(deps: ServiceDeps, req: RequestFacts, body: RegistrationPolicy): Promise<RegistrationPolicy> {
  return commitAudited(deps, req, PLATFORM_CHAIN, null, async () => {
    const previous = await readRegistrationMode(deps);
    const now = deps.clock.now();
    const value = { mode: body.mode };
    return {
      writes: [
        deps.db
          .insert(platformState)
          .values({ key: REGISTRATION_KEY, value, updatedAt: now })
          .onConflictDoUpdate({ target: platformState.key, set: { value, updatedAt: now } }),
      ],
      note: { action: 'registration.update', targetType: 'platform', targetId: REGISTRATION_KEY, details: { from: previous, to: body.mode } },
      result: { mode: body.mode },
    };
  });
}

/** True when `email` holds a pending, unexpired invitation to an active tenant. */
async function holdsInvitation(deps: Pick<ServiceDeps, 'db' | 'clock'>, email: string): Promise<boolean> {
  const row = await deps.db
    .select({ id: invitation.id })
    .from(invitation)
    .innerJoin(tenant, eq(tenant.id, invitation.tenantId))
    .where(and(eq(invitation.email, email.trim().toLowerCase()), eq(invitation.status, 'pending'), gt(invitation.expiresAt, deps.clock.now()), eq(tenant.status, 'active')))
    .get();
  return row !== undefined;
}

/**
 * Why a new account for `email` may not be created, or null when it may. The answer depends only
 * on the policy and on invitations, never on whether an account with that email exists, so a
 * refusal tells a caller nothing about who is registered.
 */
export async function registrationRefusal(deps: Pick<ServiceDeps, 'db' | 'clock'>, email: string): Promise<AppError | null> {
  const mode = await readRegistrationMode(deps);
  if (mode === 'open') return null;
  if (mode === 'closed') return new AppError(403, 'REGISTRATION_CLOSED', 'registration is closed on this platform');
  if (await holdsInvitation(deps, email)) return null;
  return new AppError(403, 'REGISTRATION_INVITE_ONLY', 'registration needs an invitation sent to this email address');
}
