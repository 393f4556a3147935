/**
 * Names of the secrets whose value appears anywhere in the captured log lines. Each cookie
 * value is checked whole and URL-decoded, and a signed better-auth cookie (`token.signature`)
 * also by its bare token.
 */
export function leakedSecrets(lines: readonly string[], secrets: Record<string, string>): string[] {
  const text = lines.join('\n');
  return Object.entries(secrets)
    .filter(([, value]) => value.length >= 6)
    .filter(([, value]) => variants(value).some((v) => text.includes(v)))
    .map(([name]) => name);
}

function variants(value: string): string[] {
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // not URL-encoded
  }
  const bare = decoded.split('.')[0] ?? decoded;
  return [...new Set([value, decoded, bare, JSON.stringify(decoded).slice(1, -1)])].filter((v) => v.length >= 6);
}

/** Every `name=value` pair of a Cookie header, as a record of secrets to look for. */
export function cookieSecrets(cookie: string | undefined, label: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) out[`${label}:${pair.slice(0, at).trim()}`] = pair.slice(at + 1).trim();
  }
  return out;
}
