import { z } from 'zod';

/**
 * Who may create an account, set by a platform admin.
 * - `open`: anyone may sign up.
 * - `invite-only`: only an email holding a pending, unexpired tenant invitation.
 * - `closed`: nobody (first-boot setup of the first platform admin is unaffected).
 */
export const RegistrationMode = z.enum(['open', 'invite-only', 'closed']);
export type RegistrationMode = z.infer<typeof RegistrationMode>;

/** The registration policy as `GET`/`PUT /api/v1/platform/registration` carry it. */
export const RegistrationPolicy = z.strictObject({ mode: RegistrationMode });
export type RegistrationPolicy = z.infer<typeof RegistrationPolicy>;

/** The public sign-in facts the sign-in and sign-up pages read (`GET /api/v1/auth/providers`). */
export const AuthProviders = z.object({
  emailPassword: z.boolean(),
  oidc: z.object({ providerId: z.string(), name: z.string() }).nullable(),
  registration: RegistrationMode,
});
export type AuthProviders = z.infer<typeof AuthProviders>;
