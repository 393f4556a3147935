import { createHash } from 'node:crypto';

/** Script types a browser runs; others (`qwik/json`) are data blocks that CSP does not govern. */
const RUNNABLE = new Set(['', 'module', 'text/javascript', 'application/javascript']);
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;

function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attrs = '', body = ''] of html.matchAll(SCRIPT)) {
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase() ?? '';
    if (!RUNNABLE.has(type)) continue;
    hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

/**
 * Security headers for a UI page. Qwik's pre-rendered pages carry small inline scripts (its
 * loader, preloader, serialized closures and event list); each is allowed by its SHA-256 hash
 * and nothing else inline runs. Styles may be inline: Qwik writes `<style>` elements and style
 * attributes (a style cannot run code). Images may come from https: (tenant logos).
 */
export function uiPageHeaders(html: string): Record<string, string> {
  const scripts = ["'self'", ...inlineScriptHashes(html)].join(' ');
  const csp = [
    "default-src 'self'",
    `script-src ${scripts}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { 'content-security-policy': csp, 'x-frame-options': 'DENY' };
}

/** Headers every file of the UI gets. */
export const UI_COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};
