#!/usr/bin/env node
// `npm start`: installs node modules on a fresh clone, then runs the edge on the embedded
// libSQL file (.berth/berth.db) — it migrates on start and prints the URL and, on an empty
// database, the one-time setup token — and, when a Docker engine answers on its socket, a local
// node agent auto-enrolled into the shared cluster "local". The UI (web/) is built to web/dist
// when missing or older than its sources, and the edge serves it on the API's own origin.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stateDir = join(root, '.berth');
const agentState = join(stateDir, 'agent');
const tokenFile = join(stateDir, 'local-agent.token');
const port = process.env.PORT ?? '8787';
const edgeUrl = process.env.BERTH_BASE_URL ?? `http://localhost:${port}`;
const dockerSocket = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

/** Newest modification time under `dir` (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let max = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

const node = process.execPath;
const web = join(root, 'web');
const builtUi = join(web, 'dist', 'index.html');
const uiSources = ['src', 'public', 'vite.config.ts', 'adapters', 'package.json'].map((p) => join(web, p));
const uiStale = !existsSync(builtUi) || Math.max(...uiSources.map((p) => (existsSync(p) && statSync(p).isDirectory() ? newest(p) : existsSync(p) ? statSync(p).mtimeMs : 0))) > statSync(builtUi).mtimeMs;
if (existsSync(join(web, 'package.json')) && uiStale) {
  console.log('[berth] building the UI (web/dist)');
  const res = spawnSync(node, [join(web, 'build.mjs')], { cwd: web, stdio: 'inherit' });
  if (res.status !== 0) console.error('[berth] the UI did not build; serving the API only');
}

const tsx = join(root, 'node_modules', '.bin', 'tsx');
const agentBin = join(root, 'node-agent', 'bin', 'berth-agent.mjs');
const children = [];
let stopping = false;

function start(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping && name === 'edge') {
      console.error(`[berth] ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    } else if (!stopping) {
      console.error(`[berth] ${name} exited (${signal ?? code}); the API keeps running without it`);
    }
  });
  children.push(child);
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 11_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** True when a Docker engine answers GET /_ping on its unix socket. */
function dockerReachable() {
  if (!existsSync(dockerSocket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const req = request({ socketPath: dockerSocket, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const withAgent = await dockerReachable();
const enrolled = existsSync(join(agentState, 'agent-state.json'));
rmSync(tokenFile, { force: true });
start('edge', tsx, [join(root, 'edge', 'src', 'node.ts')], withAgent && !enrolled ? { BERTH_LOCAL_AGENT_TOKEN_FILE: tokenFile } : {});

if (!withAgent) {
  console.log(`[berth] no Docker engine at ${dockerSocket}: running the API without a local agent`);
} else {
  try {
    if (!enrolled) {
      await waitFor(() => existsSync(tokenFile), 60_000, 'the local join token');
      const token = readFileSync(tokenFile, 'utf8').trim();
      rmSync(tokenFile, { force: true });
      const res = spawnSync(node, [agentBin, 'enroll', '--edge', edgeUrl, '--token', token, '--state', agentState], { cwd: root, stdio: 'inherit' });
      if (res.status !== 0) throw new Error('the local agent could not enroll');
    }
    start('agent', node, [agentBin, 'run', '--state', agentState]);
    console.log('[berth] local agent running against the local Docker engine (cluster "local")');
  } catch (err) {
    console.error(`[berth] local agent not started: ${err instanceof Error ? err.message : String(err)}`);
  }
}
