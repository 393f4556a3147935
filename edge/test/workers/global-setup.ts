import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

const root = new URL('../../../', import.meta.url).pathname;

function wrangler(args: string[]) {
  const res = spawnSync('npx', ['wrangler', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } });
  if (res.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    workerBundleDir: string;
    d1TemplateDir: string;
  }
}

/**
 * Builds the Worker exactly as `wrangler deploy` would (dry run) and applies the committed
 * migrations to a local D1 with `wrangler d1 migrations apply`, once for the whole run.
 */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-workers-'));
  const bundle = join(dir, 'bundle');
  const template = join(dir, 'state');
  wrangler(['deploy', '--dry-run', '--outdir', bundle]);
  wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', template]);
  project.provide('workerBundleDir', bundle);
  project.provide('d1TemplateDir', join(template, 'v3', 'd1'));
  return () => rmSync(dir, { recursive: true, force: true });
}
