import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { pageSignatureInput } from '../protocol';
import type { Storage } from './storage/types';

const META_KEY = 'page_signing_key';

/**
 * Signatures kept for inputs signed before. A device at the tip asks again and again for the
 * same empty page (same device, same cursor, same checksum), and Ed25519 is deterministic: the
 * signature of an input is always the same bytes, so one kept is exactly the one that would be
 * made, without the ~40 us of CPU a signature costs. Bounded (~40 MB at most: a few scopes for
 * each of tens of thousands of devices), the least recently used dropped first.
 */
export const KEPT_SIGNATURES = 100_000;

/** Signs pull pages with the service's Ed25519 key; devices pin its public key at enrollment. */
export interface PageSigner {
  /** Raw public key, base64url: what a device pins. */
  publicKey(): Promise<string>;
  /** The signature for one page (see `pageSignatureInput`). */
  sign(deviceId: string, requestCursor: string | null, checksum: string): Promise<string>;
}

/**
 * The key lives in the service's own database (`meta`), made on first use: every service process
 * on one database signs with the same key, and a backup restores it with the data it vouches for.
 * It guards the path between service and device; whoever holds the database holds the data anyway.
 */
export function createPageSigner(storage: Storage): PageSigner {
  let loaded: Promise<{ key: KeyObject; publicKey: string }> | undefined;
  async function load() {
    const fresh = generateKeyPairSync('ed25519').privateKey;
    const encoded = fresh.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    // Two processes starting together both insert; the first wins and both read it back.
    await storage.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
      META_KEY,
      encoded,
    ]);
    const row = await storage.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [
      META_KEY,
    ]);
    if (!row) throw new Error('the page signing key was not stored');
    const key = createPrivateKey({
      key: Buffer.from(row.value, 'base64'),
      format: 'der',
      type: 'pkcs8',
    });
    const jwk = key.export({ format: 'jwk' });
    return { key, publicKey: jwk.x! };
  }
  const keys = () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined; // a failed read is tried again on the next request
      throw error;
    });
    return loaded;
  };
  const kept = new LRUCache<string, string>({ max: KEPT_SIGNATURES });
  return {
    publicKey: async () => (await keys()).publicKey,
    async sign(deviceId, requestCursor, checksum) {
      const { key } = await keys();
      const input = pageSignatureInput(deviceId, requestCursor, checksum);
      let signature = kept.get(input);
      if (signature === undefined) {
        signature = sign(null, Buffer.from(input, 'utf8'), key).toString('base64url');
        kept.set(input, signature);
      }
      return signature;
    },
  };
}
