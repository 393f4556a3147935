import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { inject } from 'vitest';
import { z } from 'zod';

export const SETUP_TOKEN = 'workers-setup-token-0123456789';
export const PASSWORD = 'correct-horse-battery';

export interface Caller {
  cookie?: string;
  token?: string;
}

export interface WorkerHarness {
  url: string;
  mf: Miniflare;
  /** Every line the Worker and its Durable Objects logged, in order. */
  logs: string[];
  call(method: string, path: string, opts?: Caller & { body?: unknown }): Promise<Response>;
  /** Calls, checks the status, and parses the answer with `schema`. */
  json<S extends z.ZodType>(schema: S, method: string, path: string, expected: number, opts?: Caller & { body?: unknown }): Promise<z.infer<S>>;
  signUp(email: string): Promise<Caller & { userId: string }>;
  setupAdmin(email?: string): Promise<Caller & { userId: string }>;
  close(): Promise<void>;
}

const Me = z.object({ id: z.string() });

function cookieFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c): c is string => !!c && !c.endsWith('='))
    .join('; ');
}

/**
 * The Workers build in workerd (Miniflare) on a real local port, with the bindings wrangler.toml
 * declares, on a fresh copy of the migrated D1 template. Only HTTP and WebSockets reach it.
 */
export async function startWorker(vars: Record<string, string> = {}): Promise<WorkerHarness> {
  const logs: string[] = [];
  const state = mkdtempSync(join(tmpdir(), 'berth-worker-'));
  cpSync(inject('d1TemplateDir'), join(state, 'd1'), { recursive: true });
  const bundle = inject('workerBundleDir');
  const { workerOptions } = unstable_getMiniflareWorkerOptions(new URL('../../../wrangler.toml', import.meta.url).pathname);
  const mf = new Miniflare({
    ...workerOptions,
    // The bundle is wrangler's output; better-auth's optional dynamic import stays unresolved.
    modulesRoot: bundle,
    modules: [{ type: 'ESModule', path: join(bundle, 'worker.js') }],
    bindings: { ...workerOptions.bindings, BERTH_SECRET_KEY: 'workers-secret-key-that-is-long-enough-0123', BERTH_SETUP_TOKEN: SETUP_TOKEN, BERTH_LOG_LEVEL: 'warn', ...vars },
    d1Persist: join(state, 'd1'),
    durableObjectsPersist: join(state, 'do'),
    host: '127.0.0.1',
    port: 0,
    handleStructuredLogs: ({ message }: { message: string }) => {
      logs.push(message);
    },
  });
  const url = (await mf.ready).origin;

  const call = (method: string, path: string, opts: Caller & { body?: unknown } = {}) => {
    const headers: Record<string, string> = { origin: url };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  };
  const json = async <S extends z.ZodType>(schema: S, method: string, path: string, expected: number, opts?: Caller & { body?: unknown }): Promise<z.infer<S>> => {
    const res = await call(method, path, opts);
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status}: ${text}`);
    return schema.parse(text ? JSON.parse(text) : undefined);
  };
  const signIn = async (email: string) => {
    const res = await call('POST', '/api/auth/sign-in/email', { body: { email, password: PASSWORD } });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const cookie = cookieFrom(res);
    const me = await json(Me, 'GET', '/api/v1/me', 200, { cookie });
    return { cookie, userId: me.id };
  };
  return {
    url,
    mf,
    logs,
    call,
    json,
    async signUp(email) {
      await json(z.unknown(), 'POST', '/api/auth/sign-up/email', 200, { body: { email, password: PASSWORD, name: email.split('@')[0] } });
      return signIn(email);
    },
    async setupAdmin(email = 'admin@workers.test') {
      await json(z.unknown(), 'POST', '/api/v1/setup', 201, { body: { token: SETUP_TOKEN, email, password: PASSWORD, name: 'Admin' } });
      return signIn(email);
    },
    async close() {
      await mf.dispose();
      rmSync(state, { recursive: true, force: true });
    },
  };
}
