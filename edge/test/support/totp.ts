import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (padding optional, case-insensitive). */
export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** RFC 4226 HOTP with dynamic truncation. */
export function hotp(key: Uint8Array, counter: number, digits = 6, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, '0');
}

/** RFC 6238 TOTP for a given instant (T0 = 0). */
export function totp(key: Uint8Array, atMs: number, opts: { digits?: number; period?: number; algorithm?: 'sha1' | 'sha256' | 'sha512' } = {}): string {
  const period = opts.period ?? 30;
  return hotp(key, Math.floor(atMs / 1000 / period), opts.digits ?? 6, opts.algorithm ?? 'sha1');
}

/** Reads the key and parameters an authenticator app would take from an otpauth:// URI. */
export function parseOtpAuthUri(uri: string): { key: Uint8Array; digits: number; period: number } {
  const url = new URL(uri);
  if (url.protocol !== 'otpauth:' || url.hostname !== 'totp') throw new Error('not an otpauth://totp URI');
  const secret = url.searchParams.get('secret');
  if (!secret) throw new Error('the otpauth URI has no secret');
  const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toUpperCase();
  if (algorithm !== 'SHA1') throw new Error(`unexpected TOTP algorithm ${algorithm}`);
  return { key: base32Decode(secret), digits: Number(url.searchParams.get('digits') ?? 6), period: Number(url.searchParams.get('period') ?? 30) };
}
