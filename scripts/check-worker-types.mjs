#!/usr/bin/env node
// Fails when edge/worker-configuration.d.ts is not what `npm run worker:types` makes from
// wrangler.toml now. `wrangler types --check` only compares the config hash in the header, so a
// hand edit of the body would pass it: this regenerates beside the committed file (the generated
// imports are relative to it) and compares every byte. Offline, about two seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const committed = 'edge/worker-configuration.d.ts';
const scratch = `edge/.worker-configuration.check-${process.pid}.d.ts`;

/** @returns {string | undefined} why the committed file is not current */
function check() {
  const res = spawnSync(
    'npx',
    ['wrangler', 'types', '-c', 'wrangler.toml', '--include-runtime=false', scratch],
    { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  if (res.status !== 0) return `wrangler types failed (exit ${res.status ?? 'signal'}):\n${res.stdout}${res.stderr}`;
  if (!existsSync(join(root, committed))) return `${committed} is missing`;
  // The header names the output path; the committed file was written to its own path.
  const fresh = readFileSync(join(root, scratch), 'utf8').replace(scratch, committed);
  if (fresh !== readFileSync(join(root, committed), 'utf8')) {
    return `${committed} is not what wrangler generates from wrangler.toml`;
  }
  return undefined;
}

let problem;
try {
  problem = check();
} finally {
  rmSync(join(root, scratch), { force: true });
}
if (problem) {
  console.error(`${problem}\nRun \`npm run worker:types\` and commit ${committed}.`);
  process.exitCode = 1;
} else {
  console.log(`${committed} is current`);
}
