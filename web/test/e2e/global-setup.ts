import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM } from './browser.ts';

const WEB = new URL('../../', import.meta.url).pathname;

/** Builds the UI the edge then serves from web/dist (always: a stale build would test old pages). */
export default function setup() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run npm test (it installs Debian's chromium) or apt-get install -y chromium`);
  const res = spawnSync(process.execPath, [join(WEB, 'build.mjs'), '--quiet'], { cwd: WEB, encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(join(WEB, 'dist', 'index.html'))) throw new Error(`web build failed:\n${res.stdout}\n${res.stderr}`);
}
