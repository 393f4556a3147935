import { createTestDb, type TestDb } from '@berth/db/testing';
import { openDb } from '@berth/db';
import { createApp } from '../../src/app.ts';
import { loadConfig, type Config, type RawEnv } from '../../src/config.ts';
import { createMemoryLogger } from '../../src/logger.ts';

type MemoryLogger = ReturnType<typeof createMemoryLogger>;
import { createScryptPasswordHasher } from '../../src/adapters/scrypt-password.ts';
import type { Clock } from '../../src/clock.ts';
import type { Context } from 'hono';
import type { PasswordHasher } from '../../src/auth/password-hasher.ts';
import { createAgentDeps } from '../../src/compose.ts';
import { agentLimitsOf } from '../../src/agents/agent-limits.ts';
import { retentionOf } from '../../src/agents/retention.ts';
import { createLogMailer, type Mailer } from '../../src/mail/mailer.ts';
import { createSmtpMailer } from '../../src/adapters/smtp-mailer.ts';
import { createCaptureMailer, logInbox } from '@berth/test-support/capture-mailer';
import { nextMail, tokenIn, VERIFY_SUBJECT, type Inbox, type ReceivedMail } from '@berth/test-support/inbox';

export const SETUP_TOKEN = 'test-setup-token-0123456789';
export const BASE = 'http://localhost:8787';

export interface Caller {
  cookie?: string;
  token?: string;
}

export interface CallOptions extends Caller {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  app: ReturnType<typeof createApp>;
  db: TestDb['db'];
  client: TestDb['client'];
  logger: ReturnType<typeof createMemoryLogger>;
  call(method: string, path: string, opts?: CallOptions): Promise<Response>;
  /** Calls and parses JSON, failing loudly when the status is not the expected one. */
  json<T = unknown>(method: string, path: string, expected: number, opts?: CallOptions): Promise<T>;
  /**
   * Signs up and in, then confirms the email the way its owner would: reads the verification
   * mail and opens its link while signed in. `{ verify: false }` leaves the account unverified.
   */
  signUp(email: string, password?: string, name?: string, opts?: { verify?: boolean }): Promise<Caller & { userId: string; email: string }>;
  /** Opens the link of the next unread verification mail to `email`, signed in as `as`. */
  verifyEmail(as: Caller & { email: string }): Promise<Response>;
  /** The next unread mail to `to` whose subject matches. */
  nextMail(to: string, subject: RegExp): Promise<ReceivedMail>;
  /** Where the mail the app sent arrives (the capture mailer unless the test supplied one). */
  inbox: Inbox;
  signIn(email: string, password?: string): Promise<Response>;
  setupAdmin(email?: string): Promise<Caller & { userId: string; email: string }>;
  url: string;
  agents: Awaited<ReturnType<typeof createAgentDeps>>['agents'];
  hub: Awaited<ReturnType<typeof createAgentDeps>>['hub'];
  bus: Awaited<ReturnType<typeof createAgentDeps>>['bus'];
  close(): void;
}

export const PASSWORD = 'correct-horse-battery';

const UNLIMITED: RawEnv = {
  BERTH_RATE_LIMIT_ANONYMOUS: '1000000',
  BERTH_RATE_LIMIT_USER: '1000000',
  BERTH_RATE_LIMIT_TOKEN: '1000000',
  BERTH_RATE_LIMIT_TENANT: '1000000',
  BERTH_RATE_LIMIT_AUTH: '1000000',
};

function cookieFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c): c is string => !!c && !c.endsWith('='))
    .join('; ');
}

/** A real app on a real migrated libSQL file, driven in-process through app.request. */
export async function createHarness(
  env: RawEnv = {},
  clock?: Clock,
  opts: {
    sameDatabaseAs?: Harness;
    passwords?: PasswordHasher;
    clientIp?: (c: Context) => string | null;
    /**
     * Where mail goes: `capture` (default) keeps it in memory; `log` is the log mailer of an
     * install without SMTP, read back from the log lines; `smtp` sends through the SMTP server
     * `env` configures (as the Node entry would), and the test reads what it received.
     */
    mail?: { kind: 'capture' } | { kind: 'log' } | { kind: 'smtp'; inbox: Inbox };
  } = {},
): Promise<Harness> {
  // A second app on the same database file: what two edge instances behind one libSQL look like.
  const t = opts.sameDatabaseAs ? await reopen(opts.sameDatabaseAs.url) : await createTestDb();
  const logger = createMemoryLogger();
  // In-process calls have no client address, so they all share one anonymous bucket: limits
  // stay out of the way unless a test sets them (edge/test/http/rate-limit.test.ts does).
  const config = loadConfig({ BERTH_SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789', ...UNLIMITED, ...env });
  const theClock = clock ?? { now: () => new Date() };
  const { mailer, inbox } = mailSetup(opts.mail ?? { kind: 'capture' }, config, logger);
  const agentDeps = await createAgentDeps({ db: t.db, clock: theClock, logger, secretKey: config.BERTH_SECRET_KEY, limits: agentLimitsOf(config), retention: retentionOf(config) });
  const app = createApp({
    ...agentDeps,
    config,
    db: t.db,
    logger,
    clock: theClock,
    passwords: opts.passwords ?? createScryptPasswordHasher(),
    baseUrl: BASE,
    setupToken: SETUP_TOKEN,
    mailer,
    ...(opts.clientIp ? { clientIp: opts.clientIp } : {}),
  });

  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<Response> => {
    const headers: Record<string, string> = { origin: BASE, ...opts.headers };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };

  const json = async <T>(method: string, path: string, expected: number, opts?: CallOptions): Promise<T> => {
    const res = await call(method, path, opts);
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const signIn = (email: string, password = PASSWORD) => call('POST', '/api/auth/sign-in/email', { body: { email, password } });

  const seen = new Set<string>();
  const readMail = (to: string, subject: RegExp) => nextMail(inbox, to, subject, seen);

  const verifyEmail = async (as: Caller & { email: string }) => {
    const token = tokenIn(await readMail(as.email, VERIFY_SUBJECT));
    // What the UI's /verify-email/ page does with the link's token.
    return call('GET', `/api/auth/verify-email?token=${encodeURIComponent(token)}`, as);
  };

  const signUp = async (email: string, password = PASSWORD, name = email.split('@')[0] ?? 'user', signUpOpts: { verify?: boolean } = {}) => {
    await json('POST', '/api/auth/sign-up/email', 200, { body: { email, password, name } });
    const res = await signIn(email, password);
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const me = await json<{ id: string }>('GET', '/api/v1/me', 200, { cookie: cookieFrom(res) });
    const caller = { cookie: cookieFrom(res), userId: me.id, email };
    if (signUpOpts.verify !== false) {
      const verified = await verifyEmail(caller);
      if (verified.status !== 200) throw new Error(`email verification failed: ${verified.status} ${await verified.text()}`);
    }
    return caller;
  };

  const setupAdmin = async (email = 'admin@berth.test') => {
    await json('POST', '/api/v1/setup', 201, { body: { token: SETUP_TOKEN, email, password: PASSWORD, name: 'Admin' } });
    const res = await signIn(email);
    const me = await json<{ id: string }>('GET', '/api/v1/me', 200, { cookie: cookieFrom(res) });
    return { cookie: cookieFrom(res), userId: me.id, email };
  };

  return {
    app,
    url: t.url,
    db: t.db,
    client: t.client,
    logger,
    agents: agentDeps.agents,
    hub: agentDeps.hub,
    bus: agentDeps.bus,
    call,
    json,
    signUp,
    signIn,
    setupAdmin,
    verifyEmail,
    nextMail: readMail,
    inbox,
    close: t.close,
  };
}

export { cookieFrom };

function mailSetup(mail: NonNullable<Parameters<typeof createHarness>[2]>['mail'] & object, config: Config, logger: MemoryLogger): { mailer: Mailer; inbox: Inbox } {
  if (mail.kind === 'log') return { mailer: createLogMailer(logger), inbox: logInbox(logger) };
  if (mail.kind === 'smtp') {
    const host = config.BERTH_SMTP_HOST;
    if (!host) throw new Error('mail kind smtp needs BERTH_SMTP_HOST in env');
    return { mailer: createSmtpMailer({ ...config, BERTH_SMTP_HOST: host }), inbox: mail.inbox };
  }
  const capture = createCaptureMailer();
  return { mailer: capture, inbox: capture };
}

async function reopen(url: string): Promise<TestDb> {
  const { db, client } = await openDb({ url });
  return { db, client, url, close: () => client.close() };
}
