/**
 * API token secrets: `berth_` + 43 base64url chars (256 random bits). Only a SHA-256 of the
 * whole token is stored; the prefix (first 12 chars) is kept to help people tell tokens apart.
 */
export const TOKEN_PREFIX = 'berth_';
const TOKEN_SHAPE = /^berth_[A-Za-z0-9_-]{43}$/;

function base64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function newTokenSecret(): { token: string; prefix: string } {
  const token = TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, prefix: token.slice(0, 12) };
}

export const looksLikeToken = (value: string) => TOKEN_SHAPE.test(value);

export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
