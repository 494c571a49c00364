import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { pageSignatureInput, type Page } from '../protocol';

/**
 * Checks pull pages against the service key the device pinned at enrollment. The signature
 * binds the page's checksum to this device and to the cursor it asked with (protocol
 * `pageSignatureInput`), so a page rewritten on the path, signed by another key, or replayed
 * from another device or request fails.
 */
export function createPageVerifier(): (
  servicePublicKey: string,
  deviceId: string,
  requestCursor: string | null,
  page: Pick<Page, 'checksum' | 'signature'>,
) => boolean {
  let cached: { raw: string; key: KeyObject } | undefined;
  return (servicePublicKey, deviceId, requestCursor, page) => {
    if (cached?.raw !== servicePublicKey) {
      const key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: servicePublicKey },
        format: 'jwk',
      });
      cached = { raw: servicePublicKey, key };
    }
    const input = Buffer.from(pageSignatureInput(deviceId, requestCursor, page.checksum), 'utf8');
    return verify(null, input, cached.key, Buffer.from(page.signature, 'base64url'));
  };
}
