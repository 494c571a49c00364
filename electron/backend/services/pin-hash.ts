import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * PINs are kept only as scrypt hashes (N=16384, r=8, p=1) with a random 16-byte salt, written in
 * base64url: hex text is full of digit runs that card-data leak scans flag as card numbers.
 */
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** Reads base64url, or hex as the first development databases stored it (twice the bytes long). */
function decode(text: string, bytes: number): Buffer {
  return Buffer.from(text, text.length === bytes * 2 ? 'hex' : 'base64url');
}

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
  const salt = randomBytes(SALT_LENGTH);
  return {
    hash: (await derive(pin, salt)).toString('base64url'),
    salt: salt.toString('base64url'),
  };
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const expected = decode(stored.hash, KEY_LENGTH);
  const actual = await derive(pin, decode(stored.salt, SALT_LENGTH));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * The maintenance PIN is one `salt:hash` column of the device identity; facility IT gives it
 * in this form in the device configuration (`npm run service-pin` makes it).
 */
export const ENCODED_PIN_HASH = /^[\w-]{22}:[\w-]{43}$/;
export const encodePinHash = ({ salt, hash }: PinHash): string => `${salt}:${hash}`;
export function decodePinHash(encoded: string): PinHash | null {
  const [salt, hash] = encoded.split(':');
  return salt && hash ? { salt, hash } : null;
}

/** A hash of a random PIN: verifying against it costs the same time when no account matched. */
export const DECOY_PIN_HASH: Promise<PinHash> = hashPin(randomBytes(8).toString('hex'));
