import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticFiles } from './static-files.ts';

const LOADER = 'import("/build/q-1.js").then(({l})=>l("/build/"));';
const EVENTS = '(window.qwikevents||(window.qwikevents=[])).push("qinit")';
const PAGE = `<!DOCTYPE html><html><head><script type="module" async src="/build/q-0.js"></script><script type="module" async>${LOADER}</script></head><body><script type="qwik/json">{"not":"code"}</script><script>${EVENTS}</script></body></html>`;
const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('UI pages served by the edge', () => {
  let root: string;
  let serve: ReturnType<typeof staticFiles>;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-ui-'));
    mkdirSync(join(root, 'sign-in'));
    mkdirSync(join(root, 'build'));
    writeFileSync(join(root, 'sign-in', 'index.html'), PAGE);
    writeFileSync(join(root, 'build', 'q-0.js'), 'export {}');
    serve = staticFiles(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const csp = (res: Response | undefined) =>
    Object.fromEntries((res?.headers.get('content-security-policy') ?? '').split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));

  it('carry a CSP that runs only their own inline scripts, by hash, and forbids framing', async () => {
    const res = await serve(new Request('http://localhost:8787/sign-in/'));
    expect(res?.status).toBe(200);
    const policy = csp(res);
    expect(policy['script-src']?.sort()).toEqual(["'self'", sha(LOADER), sha(EVENTS)].sort());
    expect(policy['script-src']).not.toContain("'unsafe-inline'");
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['base-uri']).toEqual(["'none'"]);
    expect(res?.headers.get('x-frame-options')).toBe('DENY');
    expect(res?.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res?.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('follows a rebuilt page to its new hashes', async () => {
    const file = join(root, 'sign-in', 'index.html');
    writeFileSync(file, PAGE.replace(EVENTS, `${EVENTS};1`));
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    const policy = csp(await serve(new Request('http://localhost:8787/sign-in/')));
    expect(policy['script-src']).toContain(sha(`${EVENTS};1`));
    expect(policy['script-src']).not.toContain(sha(EVENTS));
  });

  it('give scripts nosniff and a referrer policy', async () => {
    const res = await serve(new Request('http://localhost:8787/build/q-0.js'));
    expect(res?.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res?.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });
});
