#!/usr/bin/env node
// `npm test`: installs what the tests need (node modules, a Docker engine in Swarm mode),
// type-checks and lints, runs every vitest project once, and ends with one summary line:
//   Tests: N passed, N failed, N skipped
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const artifacts = join(root, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env, ...opts });
  return res.status ?? 1;
}

function step(name, cmd, args) {
  console.log(`\n== ${name}`);
  const code = run(cmd, args);
  if (code !== 0) {
    console.error(`\n${name} failed (exit ${code})`);
    console.log('Tests: 0 passed, 1 failed');
    process.exit(code);
  }
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  step('install node modules', 'npm', ['install', '--no-audit', '--no-fund']);
}
step('docker engine in swarm mode', 'bash', [join(root, 'scripts', 'docker-up.sh')]);
// The web e2e tests drive Debian's Chromium through playwright-core; never a downloaded browser.
if (!existsSync('/usr/bin/chromium')) {
  if (process.getuid?.() !== 0) {
    console.error('\nchromium is missing and we are not root: apt-get install -y chromium');
    console.log('Tests: 0 passed, 1 failed');
    process.exit(1);
  }
  step('chromium for the web e2e tests', 'bash', ['-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)']);
}
step('worker Env types are current', 'node', [join(root, 'scripts', 'check-worker-types.mjs')]);
step('typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
step('lint', 'npx', ['eslint', '.']);

console.log('\n== tests');
const report = join(artifacts, 'vitest.json');
const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = Number(r.numPassedTests ?? 0);
  // Failed tests as vitest counts them; a file that failed before running any test (an import
  // error) shows only as a failed suite, so it counts then.
  failed = Number(r.numFailedTests ?? 0) || Number(r.numFailedTestSuites ?? 0);
  skipped = Number(r.numPendingTests ?? 0) + Number(r.numTodoTests ?? 0);
} else {
  failed = 1;
}
if (code !== 0 && failed === 0) failed = 1;
console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
