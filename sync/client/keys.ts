import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * The device's Ed25519 key pair. The private key never leaves the device (it is kept in the local
 * store); the public key is registered with the central service at enrollment.
 */
export interface DeviceKeyPair {
  /** PKCS#8 DER, base64: what the local store keeps. */
  privateKey: string;
  /** Raw 32-byte key, base64url without padding: what the protocol's enrollment expects. */
  publicKey: string;
}

export function generateDeviceKeys(): DeviceKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 public key has no x coordinate');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: jwk.x,
  };
}

/** Parses a stored private key once; signing with a KeyObject avoids re-parsing per request. */
export function loadPrivateKey(privateKey: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(privateKey, 'base64'), format: 'der', type: 'pkcs8' });
}

/** Ed25519 signature over the UTF-8 text, base64url. */
export function signText(key: KeyObject, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64url');
}
