const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The browser origins Berth trusts with cookie-authenticated writes: its own public origin, the
 * same port on every loopback name when it runs locally (a browser opened at 127.0.0.1 sends
 * that origin, not `localhost`), and the extra origins the operator lists.
 */
export function trustedOrigins(baseUrl: string, extra: string | undefined): string[] {
  const base = new URL(baseUrl);
  const origins = [base.origin];
  if (LOOPBACK_HOSTS.includes(base.hostname)) {
    for (const host of LOOPBACK_HOSTS) origins.push(`${base.protocol}//${host}${base.port ? `:${base.port}` : ''}`);
  }
  for (const raw of (extra ?? '').split(',')) {
    const trimmed = raw.trim();
    if (!trimmed) continue;
    try {
      origins.push(new URL(trimmed).origin);
    } catch {
      // the config reader accepts free text here; an entry that is not a URL trusts nothing
    }
  }
  return [...new Set(origins)];
}
