import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pageSignatureInput } from '../protocol';
import { createPageSigner } from './page-signing';
import { STORAGE_KINDS, storageOpener } from './testing/storages';

const checksum = 'a'.repeat(64);

describe.each(STORAGE_KINDS)('the page signing key on %s', (kind) => {
  const open = storageOpener(kind);

  it('is made once per database and shared by every service process on it', async () => {
    const storage = await open();
    // Two processes starting together on one database.
    const [first, second] = [createPageSigner(storage), createPageSigner(storage)];
    const [a, b] = await Promise.all([first.publicKey(), second.publicKey()]);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toBe(a);
    // After a restart, the same key.
    expect(await createPageSigner(storage).publicKey()).toBe(a);
  });

  it('signs a page for one device and one request cursor only', async () => {
    const storage = await open();
    const signer = createPageSigner(storage);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: await signer.publicKey() },
      format: 'jwk',
    });
    const signature = Buffer.from(await signer.sign('d1', 'e.5', checksum), 'base64url');
    const holds = (deviceId: string, cursor: string | null, sum: string) =>
      verify(null, Buffer.from(pageSignatureInput(deviceId, cursor, sum)), key, signature);
    expect(holds('d1', 'e.5', checksum)).toBe(true);
    expect(holds('d2', 'e.5', checksum)).toBe(false);
    expect(holds('d1', null, checksum)).toBe(false);
    expect(holds('d1', 'e.5', 'b'.repeat(64))).toBe(false);
  });

  it('answers a page signed before with the very bytes a fresh signature has, for its input only', async () => {
    const storage = await open();
    const signer = createPageSigner(storage);
    const first = await signer.sign('d1', 'e.5', checksum);
    // Asked again (a device at the tip pulling the same empty page): the kept signature.
    expect(await signer.sign('d1', 'e.5', checksum)).toBe(first);
    // A signer that never signed it (another process on the database) makes the same bytes.
    expect(await createPageSigner(storage).sign('d1', 'e.5', checksum)).toBe(first);
    // Another device, cursor or checksum is signed for itself, never given the kept one.
    for (const other of [
      await signer.sign('d2', 'e.5', checksum),
      await signer.sign('d1', 'e.6', checksum),
      await signer.sign('d1', null, checksum),
      await signer.sign('d1', 'e.5', 'b'.repeat(64)),
    ])
      expect(other).not.toBe(first);
  });
});
