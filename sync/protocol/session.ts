import { z } from 'zod';
import type { SignedRequestParts } from './auth';
import { IdSchema } from './common';

/**
 * Device sessions: one Ed25519-signed request (`POST /v1/session`) opens a short-lived session,
 * and the requests after it carry an HMAC-SHA256 under the session's key instead of a signature
 * (a MAC costs microseconds, an Ed25519 verification ~0.15 ms of the service's CPU).
 *
 * The key is agreed, never sent: the device puts a fresh X25519 public key in the signed body
 * (so only the holder of the device's Ed25519 key can have chosen it), the service answers with
 * its own fresh X25519 public key and a session id, and both derive the key with HKDF-SHA256
 * from the X25519 shared secret, salted with the session id and bound to the device id. Someone
 * on the path who swaps the service's half learns a key the service does not hold: the device's
 * requests then fail (the device opens another session), nothing is accepted in its name.
 *
 * Headers of a session request: x-homeline-device, x-homeline-session (the id),
 * x-homeline-counter (1, 2, ... per session, held in memory on both sides) and x-homeline-mac
 * (base64url HMAC-SHA256 of `sessionMacPayload`). A session lives in the memory of the service
 * process that opened it, so a restart ends every session and no recorded request can be
 * played again; the device then answers `session_expired` by opening another.
 */

/** Raw 32-byte X25519 public key, base64url without padding. */
const X25519PublicKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'raw X25519 key, base64url');

export const SessionRequestSchema = z.object({ publicKey: X25519PublicKeySchema }).strict();

export const SessionResponseSchema = z.object({
  sessionId: IdSchema,
  /** The service's X25519 half of the key agreement. */
  publicKey: X25519PublicKeySchema,
  /** Lifetime from the moment the service answered; the device renews before it runs out. */
  expiresInMs: z.number().int().positive(),
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

/** What a signature covers, plus the session it is MACed under. */
export interface SessionRequestParts extends SignedRequestParts {
  sessionId: string;
}

/** The exact text that is MACed (a prefix of its own: a MAC is never a valid signature text). */
export function sessionMacPayload(parts: SessionRequestParts): string {
  return [
    'homeline-session-request-v1',
    parts.method.toUpperCase(),
    parts.path,
    parts.deviceId,
    parts.sessionId,
    String(parts.counter),
    parts.bodySha256,
  ].join('\n');
}

const encoder = new TextEncoder();
const subtle = () => globalThis.crypto.subtle;
const X25519 = { name: 'X25519' } as const;

const toBase64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
const fromBase64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));

/** A fresh X25519 key pair; `agree` derives the session key with the other side's half. */
export async function sessionKeyAgreement(): Promise<{
  publicKey: string;
  agree(otherPublicKey: string, sessionId: string, deviceId: string): Promise<Uint8Array>;
}> {
  const pair = (await subtle().generateKey(X25519, false, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return {
    publicKey: toBase64url(publicKey),
    async agree(otherPublicKey, sessionId, deviceId) {
      let shared: ArrayBuffer;
      try {
        const other = await subtle().importKey(
          'raw',
          fromBase64url(otherPublicKey),
          X25519,
          false,
          [],
        );
        shared = await subtle().deriveBits({ ...X25519, public: other }, pair.privateKey, 256);
      } catch {
        // A malformed key, or a low-order point whose all-zero secret is refused.
        throw new SessionKeyError('the X25519 public key is not usable');
      }
      return deriveSessionKey(new Uint8Array(shared), sessionId, deviceId);
    },
  };
}

export class SessionKeyError extends Error {
  override readonly name = 'SessionKeyError';
}

/** HKDF-SHA256 of the X25519 shared secret, salted with the session id, bound to the device. */
async function deriveSessionKey(
  sharedSecret: Uint8Array,
  sessionId: string,
  deviceId: string,
): Promise<Uint8Array> {
  const secret = await subtle().importKey('raw', sharedSecret as BufferSource, 'HKDF', false, [
    'deriveBits',
  ]);
  const bits = await subtle().deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: encoder.encode(sessionId),
      info: encoder.encode(`homeline-session-mac-v1\n${deviceId}`),
    },
    secret,
    256,
  );
  return new Uint8Array(bits);
}
