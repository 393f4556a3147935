/** What an authenticator app reads from an `otpauth://totp/…` URI, for people typing it in by hand. */
export interface OtpAuth {
  secret: string;
  issuer: string | null;
  account: string;
  digits: number;
  period: number;
}

/** Parses an otpauth TOTP URI; null for anything else (a URI without a base32 secret included). */
export function readOtpAuth(uri: string): OtpAuth | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'otpauth:' || url.hostname !== 'totp') return null;
  const secret = (url.searchParams.get('secret') ?? '').replace(/=+$/, '').toUpperCase();
  if (!/^[A-Z2-7]+$/.test(secret)) return null;
  const label = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const cut = label.indexOf(':');
  const issuer = url.searchParams.get('issuer') ?? (cut >= 0 ? label.slice(0, cut) : null);
  return {
    secret,
    issuer,
    account: cut >= 0 ? label.slice(cut + 1) : label,
    digits: Number(url.searchParams.get('digits') ?? 6),
    period: Number(url.searchParams.get('period') ?? 30),
  };
}

/** The secret in groups of four, easier to type; authenticator apps ignore the spaces. */
export const groupSecret = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? '';
