import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { storeChecksum } from '../testing/checksum';
import { startTestBackend, type TestBackend } from '../testing/test-backend';
import { createBlobStorePort } from './blobs';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let device: TestBackend;
let store: Store;
let messageIds: string[];

beforeEach(async () => {
  device = await startTestBackend({ residents: 1 });
  store = device.backend.store;
  messageIds = store.db
    .prepare<[], { id: string }>('SELECT id FROM messages ORDER BY id LIMIT 2')
    .all()
    .map((row) => row.id);
});
afterEach(() => device.close());

/** Attaches `bytes` (metadata only, as a pull leaves it) to the given messages. */
function attach(bytes: Buffer, ...messages: string[]): string {
  const contentHash = sha256(bytes);
  for (const messageId of messages) {
    store.mail.insertAttachment({
      id: randomUUID(),
      messageId,
      kind: 'photo',
      fileName: 'photo.jpg',
      mimeType: 'image/jpeg',
      sizeBytes: bytes.length,
      contentHash,
    });
  }
  return contentHash;
}

describe('the blob store port', () => {
  it('lists attachments without bytes once, started downloads first', () => {
    const port = createBlobStorePort(store);
    const first = randomBytes(1000);
    const second = randomBytes(2000);
    const a = attach(first, messageIds[0]!, messageIds[1]!);
    const b = attach(second, messageIds[0]!);
    expect(port.missingBlobs(10)).toEqual([
      { sha256: b, size: 2000, held: 0 },
      { sha256: a, size: 1000, held: 0 },
    ]);
    port.appendPartial(a, 0, first.subarray(0, 300));
    expect(port.missingBlobs(10)).toEqual([
      { sha256: a, size: 1000, held: 300 },
      { sha256: b, size: 2000, held: 0 },
    ]);
    // The demo's own photo is stored already, so it is never listed.
    expect(port.missingBlobs(10)).toHaveLength(2);
  });

  it('refuses bytes that do not continue what is held, and keeps what it had', () => {
    const port = createBlobStorePort(store);
    const bytes = randomBytes(1000);
    const id = attach(bytes, messageIds[0]!);
    port.appendPartial(id, 0, bytes.subarray(0, 400));
    const before = storeChecksum(store.db);
    expect(() => port.appendPartial(id, 0, bytes.subarray(0, 400))).toThrow(/400 bytes held/);
    expect(() => port.appendPartial(id, 500, bytes.subarray(500))).toThrow(/refusing bytes at 500/);
    expect(storeChecksum(store.db)).toBe(before);
    port.appendPartial(id, 400, bytes.subarray(400));
    expect(Buffer.concat(port.partialBytes(id)).equals(bytes)).toBe(true);
  });

  it('a completed blob becomes available to every message naming it, in one step', () => {
    const told: string[][] = [];
    const port = createBlobStorePort(store, { onAvailable: (ids) => told.push(ids) });
    const bytes = randomBytes(5000);
    const id = attach(bytes, messageIds[0]!, messageIds[1]!);
    port.appendPartial(id, 0, bytes);
    port.completeBlob(id, bytes);
    expect(store.blobs.get(id)?.equals(bytes)).toBe(true);
    expect(port.partialBytes(id)).toEqual([]);
    expect(port.missingBlobs(10)).toEqual([]);
    expect(told.map((ids) => [...ids].sort())).toEqual([[...messageIds].sort()]);
    for (const messageId of messageIds)
      expect(store.mail.attachments(messageId).find((a) => a.contentHash === id)?.available).toBe(
        true,
      );
  });

  it('discarding drops only that download', () => {
    const port = createBlobStorePort(store);
    const one = randomBytes(100);
    const two = randomBytes(100);
    const a = attach(one, messageIds[0]!);
    const b = attach(two, messageIds[0]!);
    port.appendPartial(a, 0, one.subarray(0, 50));
    port.appendPartial(b, 0, two.subarray(0, 60));
    port.discardPartial(a);
    expect(port.partialBytes(a)).toEqual([]);
    expect(Buffer.concat(port.partialBytes(b)).equals(two.subarray(0, 60))).toBe(true);
  });
});
