import { safeRedirectPath } from './safe-redirect.ts';

/** Browser-side helpers: the query string (pages are static, ids travel as `?t=…&a=…`) and memory of the last tenant. */
const LAST_TENANT = 'berth.lastTenant';

export function query(name: string): string {
  return new URLSearchParams(window.location.search).get(name) ?? '';
}

export function rememberTenant(slug: string) {
  try {
    localStorage.setItem(LAST_TENANT, slug);
  } catch {
    // storage can be disabled; the switcher still works, it just forgets
  }
}

export function lastTenant(): string | null {
  try {
    return localStorage.getItem(LAST_TENANT);
  } catch {
    return null;
  }
}

/** A link within the tenant: `href('/agents/', 'acme', { a: id })`. */
export function href(path: string, tenant: string, extra: Record<string, string> = {}): string {
  const qs = new URLSearchParams({ t: tenant, ...extra });
  return `${path}?${qs}`;
}

export function go(path: string) {
  window.location.assign(path);
}

/** Where to come back to after signing in: only paths on this origin (see safeRedirectPath). */
export function safeNext(raw: string): string {
  return safeRedirectPath(raw, window.location.origin);
}
