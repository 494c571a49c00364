import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** PINs are kept only as scrypt hashes (N=16384, r=8, p=1) with a random 16-byte salt. */
const KEY_LENGTH = 32;

function derive(pin: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, KEY_LENGTH, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export interface PinHash {
  hash: string;
  salt: string;
}

export async function hashPin(pin: string): Promise<PinHash> {
  const salt = randomBytes(16);
  return { hash: (await derive(pin, salt)).toString('hex'), salt: salt.toString('hex') };
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'hex');
  const actual = await derive(pin, Buffer.from(stored.salt, 'hex'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The maintenance PIN is one `salt:hash` column of the device identity. */
export const encodePinHash = ({ salt, hash }: PinHash): string => `${salt}:${hash}`;
export function decodePinHash(encoded: string): PinHash | null {
  const [salt, hash] = encoded.split(':');
  return salt && hash ? { salt, hash } : null;
}

/** A hash of a random PIN: verifying against it costs the same time when no account matched. */
export const DECOY_PIN_HASH: Promise<PinHash> = hashPin(randomBytes(8).toString('hex'));
