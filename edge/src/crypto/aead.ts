/**
 * AES-256-GCM for secrets at rest (tenant secret values, the edge signing key). The key is
 * derived from BERTH_SECRET_KEY with HKDF-SHA-256 and a per-purpose `info`, so one config secret
 * yields independent keys. Format: `v1.<iv b64url>.<ciphertext+tag b64url>`. WebCrypto only.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();

function b64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class DecryptError extends Error {
  readonly code = 'DECRYPT_FAILED';
  override name = 'DecryptError';
}

export interface Aead {
  encrypt(plaintext: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

export async function createAead(secret: string, purpose: string): Promise<Aead> {
  const material = await crypto.subtle.importKey('raw', enc.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode('berth/aead/v1'), info: enc.encode(purpose) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const aad = enc.encode(purpose);
  return {
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, enc.encode(plaintext)));
      return `v1.${b64url(iv)}.${b64url(ct)}`;
    },
    async decrypt(sealed) {
      const [version, iv, ct] = sealed.split('.');
      if (version !== 'v1' || !iv || !ct) throw new DecryptError('not a sealed value');
      try {
        const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromB64url(iv), additionalData: aad }, key, fromB64url(ct));
        return dec.decode(pt);
      } catch (err) {
        throw new DecryptError('the value could not be decrypted (wrong key or tampered)', { cause: err });
      }
    },
  };
}
