import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * Every setting the edge reads, in one place. Nothing else touches process.env or c.env:
 * entries hand the raw environment to `loadConfig` and pass the result down.
 */
export const ConfigSchema = z.object({
  /** TCP port of the Node server (0 = any free port). */
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** `file:…` (embedded libSQL, default) or `libsql://…` / `https://…` (remote libSQL). */
  BERTH_DATABASE_URL: z
    .string()
    .default('file:.berth/berth.db')
    .refine((u) => /^(file:|libsql:\/\/|https:\/\/|http:\/\/127\.0\.0\.1|http:\/\/localhost)/.test(u), 'use file:, libsql:// or https://'),
  /** Auth token for a remote libSQL database. */
  BERTH_DATABASE_AUTH_TOKEN: optionalString,
  /** One-time first-boot token; when absent on an empty database one is generated and printed. */
  BERTH_SETUP_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'at least 16 characters'),
  /** Key for sessions and at-rest encryption (≥ 32 chars). Generated under .berth/ in embedded mode. */
  BERTH_SECRET_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, 'at least 32 characters'),
  /** Public origin of the API, used for cookies and OAuth redirects. */
  BERTH_BASE_URL: optionalString.pipe(z.url().optional()),
  /** Extra browser origins allowed to call the API with cookies (comma-separated). */
  BERTH_TRUSTED_ORIGINS: optionalString,
  /** Generic OIDC sign-in: issuer URL (discovery at /.well-known/openid-configuration). */
  BERTH_OIDC_ISSUER: optionalString.pipe(z.url().optional()),
  BERTH_OIDC_CLIENT_ID: optionalString,
  BERTH_OIDC_CLIENT_SECRET: optionalString,
  /** Label of the SSO button. */
  BERTH_OIDC_NAME: z.string().default('Single sign-on'),
  /**
   * Set by `npm start` when a Docker engine is reachable: the edge writes a one-time join token
   * for the local agent to this file (mode 0600), creating the shared cluster "local" if needed.
   */
  BERTH_LOCAL_AGENT_TOKEN_FILE: optionalString,
  /** Largest accepted request body, in bytes. */
  BERTH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /**
   * Keep-alive interval of event streams (SSE), in ms. Every keep-alive re-checks the caller's
   * session or token and membership, and closes the stream once they no longer hold.
   */
  BERTH_SSE_KEEPALIVE_MS: z.coerce.number().int().min(10).max(120_000).default(15_000),
  /** Clusters one tenant may register as its own (platform admins' shared clusters are not counted). */
  BERTH_MAX_CLUSTERS_PER_TENANT: z.coerce.number().int().min(0).max(1000).default(3),
  /** Join tokens of one cluster that may be pending (unused and unexpired) at once. */
  BERTH_MAX_PENDING_JOIN_TOKENS: z.coerce.number().int().min(1).max(1000).default(5),
  /** Largest `agent:events` frame an agent may send, in bytes; a larger one closes its socket (1008). */
  BERTH_AGENT_MAX_EVENT_FRAME_BYTES: z.coerce.number().int().min(4096).max(4 * 1024 * 1024).default(2 * 1024 * 1024),
  /** `agent:events` frames one agent socket may send per minute (bursts up to this many); beyond it closes (1008). */
  BERTH_AGENT_MAX_EVENT_FRAMES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(1200),
  /** Days a finished command (applied, failed or cancelled) keeps its payload and result row; 0 keeps them. */
  BERTH_RETENTION_COMMANDS_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** Days an agent service status event row is kept; 0 keeps them. The audit log is never pruned. */
  BERTH_RETENTION_EVENTS_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  /** SMTP relay for account mail (verification, password reset). Unset: mails are written to the log instead. */
  BERTH_SMTP_HOST: optionalString,
  /** SMTP port (465 for implicit TLS, 587 for STARTTLS, 25 for a local relay). */
  BERTH_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  /** `tls` (implicit TLS), `starttls` (upgrade required, refuses a server that cannot) or `none` (plain text; only without credentials, e.g. a loopback relay). */
  BERTH_SMTP_SECURITY: z.enum(['tls', 'starttls', 'none']).default('starttls'),
  /** SMTP login; set together with BERTH_SMTP_PASSWORD, or neither for a relay that needs none. */
  BERTH_SMTP_USER: optionalString,
  BERTH_SMTP_PASSWORD: optionalString,
  /** Sender of account mail: `address` or `Name <address>`. */
  BERTH_MAIL_FROM: z
    .string()
    .default('Berth <berth@localhost>')
    .refine((v) => /^([^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(v.trim()), 'an address or Name <address>'),
  /** Rate-limit window, in seconds; every limit below counts requests per window. */
  BERTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Requests to /api/v1 per window from one address without credentials. */
  BERTH_RATE_LIMIT_ANONYMOUS: z.coerce.number().int().min(1).default(120),
  /** Requests to /api/v1 per window by one signed-in user (cookie session). */
  BERTH_RATE_LIMIT_USER: z.coerce.number().int().min(1).default(600),
  /** Requests to /api/v1 per window with one API token. */
  BERTH_RATE_LIMIT_TOKEN: z.coerce.number().int().min(1).default(600),
  /** Requests to /api/v1 per window with all API tokens of one tenant together. */
  BERTH_RATE_LIMIT_TENANT: z.coerce.number().int().min(1).default(1200),
  /** Calls per window from one address to each sign-in, sign-up, password-reset or setup endpoint. */
  BERTH_RATE_LIMIT_AUTH: z.coerce.number().int().min(1).default(30),
  /** debug | info | warn | error */
  BERTH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema> & { BERTH_SECRET_KEY: string };
export type RawEnv = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  override name = 'ConfigError';
}

/**
 * Parses the environment. `secretKey` is supplied by the entry when the env has none
 * (the Node entry keeps a generated one under .berth/).
 */
export function loadConfig(env: RawEnv, fallback: { secretKey?: string } = {}): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const secret = parsed.data.BERTH_SECRET_KEY ?? fallback.secretKey;
  if (!secret) throw new ConfigError('invalid configuration: BERTH_SECRET_KEY is required');
  const oidc = [parsed.data.BERTH_OIDC_ISSUER, parsed.data.BERTH_OIDC_CLIENT_ID, parsed.data.BERTH_OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new ConfigError('invalid configuration: BERTH_OIDC_ISSUER, BERTH_OIDC_CLIENT_ID and BERTH_OIDC_CLIENT_SECRET go together');
  }
  const smtpLogin = [parsed.data.BERTH_SMTP_USER, parsed.data.BERTH_SMTP_PASSWORD];
  if (smtpLogin.some(Boolean) && !smtpLogin.every(Boolean)) {
    throw new ConfigError('invalid configuration: BERTH_SMTP_USER and BERTH_SMTP_PASSWORD go together');
  }
  if (parsed.data.BERTH_SMTP_SECURITY === 'none' && parsed.data.BERTH_SMTP_USER) {
    throw new ConfigError('invalid configuration: BERTH_SMTP_SECURITY=none would send the SMTP password in clear text; use tls or starttls');
  }
  return { ...parsed.data, BERTH_SECRET_KEY: secret };
}
