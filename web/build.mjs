#!/usr/bin/env node
// Builds the UI into web/dist: the client bundles, then the static pre-render (SSG).
// Used by `npm run build -w @berth/web`, scripts/start.mjs and the e2e global setup.
// NODE_ENV is forced to production: Vite builds in dev mode under any other value (vitest sets "test").
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const web = new URL('.', import.meta.url).pathname;
const vite = join(web, '..', 'node_modules', '.bin', 'vite');
const env = { ...process.env, NODE_ENV: 'production' };
for (const args of [['build'], ['build', '-c', 'adapters/static/vite.config.ts']]) {
  const res = spawnSync(vite, args, { cwd: web, stdio: process.argv.includes('--quiet') ? 'pipe' : 'inherit', env, encoding: 'utf8' });
  if (res.status !== 0) {
    if (res.stdout) process.stderr.write(res.stdout + res.stderr);
    process.exit(res.status ?? 1);
  }
}
