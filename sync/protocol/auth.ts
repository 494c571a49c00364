/**
 * Request signing. A device signs, with its Ed25519 private key, the string below; the server
 * verifies it with the public key registered at enrollment and checks the counter against a
 * sliding window (anti-replay without trusting the device clock).
 *
 * Headers: x-homeline-device, x-homeline-counter (positive integer, increasing per request,
 * persisted on the device), x-homeline-signature (base64url Ed25519 signature).
 */

/** How far behind the highest counter seen a request may still arrive (concurrent requests). */
export const REPLAY_WINDOW = 64;

export interface SignedRequestParts {
  method: string;
  /** Path with query string exactly as sent, e.g. /v1/pull or /v1/blobs/ab..?offset=0 */
  path: string;
  deviceId: string;
  counter: number;
  /** sha256 hex of the raw body bytes (of the empty string when there is no body). */
  bodySha256: string;
}

/** The exact text that is signed. */
export function signingPayload(parts: SignedRequestParts): string {
  return [
    'homeline-request-v1',
    parts.method.toUpperCase(),
    parts.path,
    parts.deviceId,
    String(parts.counter),
    parts.bodySha256,
  ].join('\n');
}
