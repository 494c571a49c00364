import { describe, expect, it } from 'vitest';
import { UNMATCHABLE_HASH, hashSecret, verifySecret } from './secrets';

/** The parts of a stored hash that decide what verifying against it costs. */
function cost(stored: string) {
  const [scheme, n, r, p, , hash] = stored.split('$');
  return { scheme, n, r, p, keyBytes: Buffer.from(hash ?? '', 'base64').length };
}

describe('UNMATCHABLE_HASH', () => {
  it('costs what a real hash costs to verify', async () => {
    expect(cost(UNMATCHABLE_HASH)).toEqual(cost(await hashSecret('any password')));
  });

  it('matches no secret, and a real hash still matches its own', async () => {
    for (const secret of ['', 'password', 'wrong password!', '\u0000'.repeat(32)]) {
      expect(await verifySecret(secret, UNMATCHABLE_HASH)).toBe(false);
    }
    expect(await verifySecret('password', await hashSecret('password'))).toBe(true);
  });
});
