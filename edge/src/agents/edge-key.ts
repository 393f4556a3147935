import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import { platformState, StoredJsonInvalid, type Db } from '@berth/db';
import { Ed25519PublicJwk, SIGNING_ALG } from '@berth/protocol';
import { createAead } from '../crypto/aead.ts';

const KEY_ROW = 'edge_signing_key';

const StoredKey = z.object({ kid: z.string(), publicJwk: Ed25519PublicJwk, sealedPrivateJwk: z.string() });
const PrivateJwk = z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string(), d: z.string() });

/** The edge's command-signing key. `kid` is the RFC 7638 thumbprint that join tokens pin. */
export interface EdgeKey {
  kid: string;
  publicJwk: Ed25519PublicJwk;
  privateKey: CryptoKey;
}

async function importPrivate(jwk: z.infer<typeof PrivateJwk>): Promise<CryptoKey> {
  const key = await importJWK(jwk, SIGNING_ALG);
  if (key instanceof Uint8Array) throw new TypeError('expected an asymmetric key');
  return key;
}

/**
 * Loads the edge signing key from the database, creating it on first use. The private half is
 * stored sealed with a key derived from BERTH_SECRET_KEY, never in plain text. A race between two
 * first starts is settled by the primary key: the loser reads the winner's key.
 */
export async function loadOrCreateEdgeKey(db: Db, secret: string): Promise<EdgeKey> {
  const aead = await createAead(secret, 'edge-signing-key');
  const read = async (): Promise<EdgeKey | undefined> => {
    const row = await db.select().from(platformState).where(eq(platformState.key, KEY_ROW)).get();
    if (!row) return undefined;
    if (row.value instanceof StoredJsonInvalid) throw row.value;
    const stored = StoredKey.parse(row.value);
    const priv = PrivateJwk.parse(JSON.parse(await aead.decrypt(stored.sealedPrivateJwk)));
    return { kid: stored.kid, publicJwk: stored.publicJwk, privateKey: await importPrivate(priv) };
  };
  const existing = await read();
  if (existing) return existing;

  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const priv = PrivateJwk.parse(await exportJWK(privateKey));
  const publicJwk = Ed25519PublicJwk.parse({ kty: priv.kty, crv: priv.crv, x: priv.x });
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const value = { kid, publicJwk, sealedPrivateJwk: await aead.encrypt(JSON.stringify(priv)) };
  await db.insert(platformState).values({ key: KEY_ROW, value, updatedAt: new Date() }).onConflictDoNothing();
  const stored = await read();
  if (!stored) throw new Error('edge signing key could not be stored');
  return stored;
}
