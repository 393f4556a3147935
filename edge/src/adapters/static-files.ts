import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { UI_COMMON_HEADERS, uiPageHeaders } from './ui-headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths that always belong to the API, even when a file of that name exists. */
const API = /^\/(api\/|healthz$|readyz$)/;

/**
 * Serves the pre-built UI (web/dist) on the API's own origin, so the session cookie just works.
 * Node only, and it reads files, never web code. Answers undefined (let the app answer) for API
 * paths, non-GET/HEAD methods and paths with no file. Qwik's `build/` chunks are content-hashed
 * and cached for a year; pages are revalidated. Pages carry a CSP that allows their own inline
 * scripts by hash (worked out once per file version), `frame-ancestors 'none'`, a referrer policy
 * and nosniff.
 */
export function staticFiles(root: string): (req: Request) => Promise<Response | undefined> {
  const base = normalize(root + sep);
  const pageHeaders = new Map<string, { mtimeMs: number; headers: Record<string, string> }>();
  const headersOf = async (file: string): Promise<Record<string, string>> => {
    const mtimeMs = statSync(file).mtimeMs;
    const known = pageHeaders.get(file);
    if (known?.mtimeMs === mtimeMs) return known.headers;
    const headers = uiPageHeaders(await readFile(file, 'utf8'));
    pageHeaders.set(file, { mtimeMs, headers });
    return headers;
  };
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const { pathname } = new URL(req.url);
    if (API.test(pathname)) return undefined;
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (rel.includes('\0')) return undefined;
    let file = normalize(join(base, rel));
    if (!file.startsWith(base)) return undefined;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) return undefined;
    const body = req.method === 'HEAD' ? null : await readFile(file);
    const immutable = rel.startsWith('/build/') || rel.startsWith('/assets/');
    return new Response(body, {
      headers: {
        ...UI_COMMON_HEADERS,
        ...(extname(file) === '.html' ? await headersOf(file) : {}),
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    });
  };
}

/** The UI build of this checkout, when it has been built. */
export function defaultWebDir(): string | undefined {
  const dir = new URL('../../../web/dist', import.meta.url).pathname;
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}
