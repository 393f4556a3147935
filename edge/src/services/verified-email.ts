import { eq } from 'drizzle-orm';
import { user } from '@berth/db';
import type { RequestFacts } from '../context.ts';
import { AppError } from '../errors.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The caller's email address, read from the account row, once it is verified. Everything that
 * grants access because of an email address (invitations, join requests an admin approves on
 * the strength of the address) goes through here: an address only counts once its owner has
 * followed the link mailed to it (or reset the password through it).
 */
export async function verifiedEmailOf(deps: ServiceDeps, req: RequestFacts, doing: string): Promise<{ userId: string; email: string }> {
  if (req.actor.kind !== 'user') throw new AppError(403, 'FORBIDDEN', `sign in to ${doing}`);
  const row = await deps.db.select({ email: user.email, emailVerified: user.emailVerified }).from(user).where(eq(user.id, req.actor.userId)).get();
  if (!row) throw new AppError(401, 'UNAUTHENTICATED', 'sign in first');
  if (!row.emailVerified) {
    throw new AppError(403, 'EMAIL_NOT_VERIFIED', `confirm your email address first (follow the link mailed to it) to ${doing}`);
  }
  return { userId: req.actor.userId, email: row.email.toLowerCase() };
}
