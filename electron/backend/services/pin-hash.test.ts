import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodePinHash, encodePinHash, hashPin, verifyPin } from './pin-hash';

describe('PIN hashes', () => {
  it('verify the right PIN only, with a fresh salt each time', async () => {
    const first = await hashPin('1234');
    const second = await hashPin('1234');
    expect(first.salt).not.toBe(second.salt);
    expect(await verifyPin('1234', first)).toBe(true);
    expect(await verifyPin('1235', first)).toBe(false);
    expect(decodePinHash(encodePinHash(first))).toEqual(first);
  });

  it('hold no long digit runs, and still read the hex of the first databases', async () => {
    const { hash, salt } = await hashPin('1234');
    expect(`${hash}${salt}`).not.toMatch(/\d{13}/);
    const hexSalt = Buffer.alloc(16, 7);
    const hexHash = scryptSync('2468', hexSalt, 32);
    const stored = { hash: hexHash.toString('hex'), salt: hexSalt.toString('hex') };
    expect(await verifyPin('2468', stored)).toBe(true);
  });
});
