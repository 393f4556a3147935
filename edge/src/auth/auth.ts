import { betterAuth } from 'better-auth';
import { APIError } from 'better-auth/api';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { twoFactor, genericOAuth } from 'better-auth/plugins';
import { eq } from 'drizzle-orm';
import { schema, type Db } from '@berth/db';
import type { PasswordHasher } from './password-hasher.ts';
import type { Logger } from '../logger.ts';
import { deliver, type Mailer } from '../mail/mailer.ts';
import { RESET_LINK_MINUTES, VERIFY_LINK_HOURS, resetLink, resetMail, verificationMail, verifyLink } from '../mail/messages.ts';

export const OIDC_PROVIDER_ID = 'oidc';

/**
 * The header through which the auth route hands better-auth the client address the entry
 * resolved (routes/auth.ts sets it and drops any copy the client sent). better-auth would
 * otherwise key its rate limits on X-Forwarded-For, which any client can rotate.
 */
export const CLIENT_IP_HEADER = 'x-berth-client-ip';

/**
 * The header through which the auth route tells better-auth which user the request's session
 * belongs to (set from the resolved actor, any client copy dropped). Email verification
 * requires it to match the account the link was sent for.
 */
export const SIGNED_IN_USER_HEADER = 'x-berth-signed-in-user';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
}

export interface AuthOptions {
  db: Db;
  secret: string;
  baseUrl: string;
  trustedOrigins: string[];
  passwords: PasswordHasher;
  logger: Logger;
  /** Sends verification and password-reset mail; links point at the UI on `baseUrl`'s origin. */
  mailer: Mailer;
  oidc?: OidcSettings | undefined;
  /**
   * Asked before any account is created (email sign-up, first OIDC sign-in): a refusal
   * (stable code + message) stops the creation, null lets it proceed.
   */
  admitNewUser?: (email: string) => Promise<{ code: string; message: string } | null>;
}

/**
 * better-auth, configured for Berth: email + password (scrypt per OWASP, no enumeration on
 * sign-up, sign-in or password reset), email verification mailed on sign-up, password reset by
 * mailed single-use link (revoking every session), TOTP two-factor, optional generic OIDC,
 * sessions in HttpOnly cookies, deactivated accounts refused a session, and every account
 * creation subject to the registration policy.
 *
 * An unverified account may sign in (it reaches only what it creates); what an email address
 * is granted (invitations, join requests) waits until the address is verified.
 */
export function createAuth(opts: AuthOptions) {
  const isDeactivated = async (userId: string) => {
    const row = await opts.db
      .select({ deactivatedAt: schema.user.deactivatedAt })
      .from(schema.user)
      .where(eq(schema.user.id, userId))
      .get();
    return row?.deactivatedAt != null;
  };

  return betterAuth({
    appName: 'Berth',
    baseURL: opts.baseUrl,
    basePath: '/api/auth',
    secret: opts.secret,
    trustedOrigins: opts.trustedOrigins,
    database: drizzleAdapter(opts.db, {
      provider: 'sqlite',
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        twoFactor: schema.twoFactor,
        rateLimit: schema.rateLimit,
      },
    }),
    emailAndPassword: {
      enabled: true,
      // Off, so that signing up with a taken email answers exactly like a new one.
      autoSignIn: false,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      resetPasswordTokenExpiresIn: RESET_LINK_MINUTES * 60,
      revokeSessionsOnPasswordReset: true,
      // Returns before the mail is out, so a known email answers as fast as an unknown one.
      sendResetPassword: ({ user, token }) => {
        deliver(opts.mailer, opts.logger, 'reset-password', resetMail(user.email, resetLink(opts.baseUrl, token)));
        return Promise.resolve();
      },
      // Opening the mailed link proves the mailbox is the account holder's.
      onPasswordReset: async ({ user }) => {
        await opts.db.update(schema.user).set({ emailVerified: true }).where(eq(schema.user.id, user.id));
      },
      password: {
        hash: (password) => opts.passwords.hash(password),
        verify: ({ hash, password }) => opts.passwords.verify(hash, password),
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      autoSignInAfterVerification: false,
      expiresIn: VERIFY_LINK_HOURS * 3600,
      sendVerificationEmail: ({ user, token }) => {
        deliver(opts.mailer, opts.logger, 'verify-email', verificationMail(user.email, verifyLink(opts.baseUrl, token)));
        return Promise.resolve();
      },
      // The mailbox owner clicking a link someone else's sign-up sent them must not verify
      // that stranger's account: only the account's own session completes verification.
      beforeEmailVerification: (user, request) => {
        if (request?.headers.get(SIGNED_IN_USER_HEADER) !== user.id) {
          throw new APIError('FORBIDDEN', { message: 'sign in to the account this link was sent for, then open the link again', code: 'VERIFY_WHILE_SIGNED_IN' });
        }
        return Promise.resolve();
      },
    },
    user: {
      additionalFields: {
        platformRole: { type: 'string', required: false, defaultValue: 'user', input: false },
        deactivatedAt: { type: 'date', required: false, input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/email': { window: 60, max: 30 },
        '/sign-up/email': { window: 60, max: 30 },
        '/request-password-reset': { window: 60, max: 10 },
        '/send-verification-email': { window: 60, max: 10 },
      },
    },
    advanced: {
      // The library turns its origin check off when NODE_ENV is test; keep it on, so tests see what users get.
      disableOriginCheck: false,
      cookiePrefix: 'berth',
      useSecureCookies: opts.baseUrl.startsWith('https://'),
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      database: { generateId: () => crypto.randomUUID() },
    },
    logger: {
      level: 'warn',
      log: (level, message) => {
        // better-auth messages can name an email address; keep them out of info logs.
        if (level === 'error') opts.logger.error('auth library error', { detail: message.slice(0, 200) });
      },
    },
    databaseHooks: {
      user: {
        create: {
          before: async (user) => {
            const refusal = await opts.admitNewUser?.(user.email);
            // A coded APIError: the OIDC callback turns it into ?error=<code> on its error page.
            if (refusal) throw new APIError('FORBIDDEN', { message: refusal.message, code: refusal.code });
            return { data: user };
          },
        },
      },
      session: {
        create: {
          before: async (session) => {
            if (await isDeactivated(session.userId)) {
              throw new APIError('FORBIDDEN', { message: 'this account is deactivated', code: 'ACCOUNT_DEACTIVATED' });
            }
            return { data: session };
          },
        },
      },
    },
    plugins: [
      twoFactor({ issuer: 'Berth' }),
      ...(opts.oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  discoveryUrl: `${opts.oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
                  clientId: opts.oidc.clientId,
                  clientSecret: opts.oidc.clientSecret,
                  scopes: ['openid', 'email', 'profile'],
                  pkce: true,
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

export type BerthAuth = ReturnType<typeof createAuth>;
