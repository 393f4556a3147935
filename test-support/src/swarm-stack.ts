import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeServer, type NodeServer } from '@berth/edge/node-server';
import { createLogger } from '@berth/edge/logger';
import { StatusStreamEvent } from '@berth/protocol';
import { createCaptureMailer } from './capture-mailer.ts';
import { nextMail, tokenIn, VERIFY_SUBJECT, type ReceivedMail } from './inbox.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const AGENT_BIN = join(ROOT, 'node-agent', 'bin', 'berth-agent.mjs');
export const SETUP_TOKEN = 'swarm-e2e-setup-token-0123456789';
export const PASSWORD = 'correct-horse-battery';

/** A signed-in HTTP client against the real server. */
export interface Client {
  cookie: string;
  call(method: string, path: string, body?: unknown): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, expected: number, body?: unknown): Promise<T>;
}

export interface Stack {
  server: NodeServer;
  url: string;
  admin: Client;
  dir: string;
  /** Signs up, signs in and confirms the email from the verification mail the edge sent. */
  signUp(email: string): Promise<Client>;
  /** The next unread mail the edge sent to `to` whose subject matches (captured in memory). */
  nextMail(to: string, subject: RegExp): Promise<ReceivedMail>;
  enrollAgent(name: string, clusterPath?: string, as?: Client): Promise<{ stateDir: string; clusterId: string }>;
  /** Starts `berth-agent run`; `env` overrides the agent's environment (e.g. DOCKER_SOCKET). */
  runAgent(stateDir: string, env?: Record<string, string>): ChildProcess;
  /** Resolves once `count` agents of the cluster show online. */
  waitOnline(clusterId: string, count?: number, as?: Client): Promise<void>;
  stop(): Promise<void>;
}

async function signedIn(url: string, email: string): Promise<Client> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { cookie, origin: url, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const json = async <T>(method: string, path: string, expected: number, body?: unknown): Promise<T> => {
    const r = await call(method, path, body);
    const text = await r.text();
    if (r.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${r.status}: ${text}`);
    // The caller names the DTO it expects from Berth's own API; the API validated it on the way out.
    const parsed: T = JSON.parse(text);
    return parsed;
  };
  return { cookie, call, json };
}

/** The real edge (Node server, embedded libSQL) plus helpers to enroll and run real agents. */
export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-swarm-'));
  const mail = createCaptureMailer();
  const readMail = new Set<string>();
  const server = await startNodeServer(
    { PORT: '0', BERTH_DATABASE_URL: `file:${join(dir, 'berth.db')}`, BERTH_SETUP_TOKEN: SETUP_TOKEN, BERTH_SECRET_KEY: 'swarm-e2e-secret-key-0123456789-abcdefgh' },
    { logger: createLogger('warn'), mailer: mail },
  );
  const url = server.url;
  const setup = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: SETUP_TOKEN, email: 'admin@swarm.test', password: PASSWORD, name: 'Admin' }),
  });
  if (setup.status !== 201) throw new Error(`setup: ${setup.status}`);
  const admin = await signedIn(url, 'admin@swarm.test');
  const agents: ChildProcess[] = [];

  return {
    server,
    url,
    admin,
    dir,
    async signUp(email) {
      const r = await fetch(`${url}/api/auth/sign-up/email`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ email, password: PASSWORD, name: email.split('@')[0] }),
      });
      if (r.status !== 200) throw new Error(`sign-up ${email}: ${r.status}`);
      const client = await signedIn(url, email);
      // What the UI's /verify-email/ page does with the mailed link, signed in.
      const token = tokenIn(await nextMail(mail, email, VERIFY_SUBJECT, readMail));
      await client.json('GET', `/api/auth/verify-email?token=${encodeURIComponent(token)}`, 200);
      return client;
    },
    nextMail: (to, subject) => nextMail(mail, to, subject, readMail),
    async enrollAgent(name, clusterPath = '/api/v1/clusters', as = admin) {
      const joined = await as.json<{ joinToken: string; cluster: { id: string } }>('POST', clusterPath, 201, { name });
      const stateDir = join(dir, `agent-${name}-${Math.random().toString(36).slice(2, 8)}`);
      // Not spawnSync: the edge runs in this process and must keep serving while the agent enrolls.
      const child = spawn(process.execPath, [AGENT_BIN, 'enroll', '--edge', url, '--token', joined.joinToken, '--state', stateDir], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      if (code !== 0) throw new Error(`enroll failed: ${stderr}`);
      return { stateDir, clusterId: joined.cluster.id };
    },
    runAgent(stateDir, env = {}) {
      const child = spawn(process.execPath, [AGENT_BIN, 'run', '--state', stateDir], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BERTH_LOG_LEVEL: 'warn', ...env } });
      agents.push(child);
      return child;
    },
    async waitOnline(clusterId, count = 1, as = admin) {
      const path = as === admin ? `/api/v1/clusters/${clusterId}` : undefined;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const cluster = path
          ? await as.json<{ agents: { online: boolean }[] }>('GET', path, 200)
          : (await as.json<{ items: { id: string; agents: { online: boolean }[] }[] }>('GET', `/api/v1/tenants/${clusterId}/clusters`, 200)).items[0];
        if ((cluster?.agents.filter((a) => a.online).length ?? 0) >= count) return;
        if (Date.now() > deadline) throw new Error(`cluster ${clusterId}: fewer than ${count} agents online after 30 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      for (const a of agents) if (a.exitCode === null) a.kill('SIGKILL');
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type StatusEvent = StatusStreamEvent;

/** Subscribes to a tenant's SSE stream and records every `status` event. */
export async function watchEvents(client: Client, tenant: string) {
  const res = await client.call('GET', `/api/v1/tenants/${tenant}/events`);
  if (res.status !== 200 || !res.body) throw new Error(`events: ${res.status}`);
  const events: StatusEvent[] = [];
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let closed = false;
  const waiters: (() => void)[] = [];
  void (async () => {
    while (!closed) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (!block.includes('event: status')) continue;
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) events.push(StatusStreamEvent.parse(JSON.parse(data.slice(6))));
        waiters.splice(0).forEach((w) => w());
      }
    }
  })();
  return {
    events,
    /** Resolves when `name` has reached `status` (in order after `fromIndex`), or throws after `ms`. */
    async waitFor(name: string, status: string, ms = 30_000): Promise<StatusEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find((e) => e.name === name && e.status === status);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} → ${status}; saw ${JSON.stringify(events.filter((e) => e.name === name).map((e) => e.status))}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 250);
        });
      }
    },
    close() {
      closed = true;
      void reader.cancel().catch(() => undefined);
    },
  };
}

/** Removes every Swarm service left with a tenant's label (cleanup after a failed test). */
export function sweepTenant(tenantId: string) {
  const ids = spawnSync('docker', ['service', 'ls', '-q', '--filter', `label=berth.tenant=${tenantId}`], { encoding: 'utf8' }).stdout.trim();
  if (ids) spawnSync('docker', ['service', 'rm', ...ids.split('\n')]);
}

/** The Swarm services carrying a tenant's label, as `docker service ls` sees them (test oracle). */
export function swarmServices(tenantId: string): string[] {
  const out = spawnSync('docker', ['service', 'ls', '--format', '{{.Name}} {{.Replicas}}', '--filter', `label=berth.tenant=${tenantId}`], { encoding: 'utf8' }).stdout.trim();
  return out ? out.split('\n').sort() : [];
}
