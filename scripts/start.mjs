#!/usr/bin/env node
// `npm start`: installs node modules on a fresh clone, then runs the edge on the embedded
// libSQL file (.berth/berth.db). It migrates on start and prints the URL and, on an empty
// database, the one-time setup token.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

const tsx = join(root, 'node_modules', '.bin', 'tsx');
const children = [];
function start(name, args) {
  const child = spawn(tsx, args, { cwd: root, stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[berth] ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 11_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

start('edge', [join(root, 'edge', 'src', 'node.ts')]);
