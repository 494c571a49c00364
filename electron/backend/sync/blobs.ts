import type { Logger } from 'pino';
import { createBlobQueue, type BlobQueue, type BlobStorePort } from '../../../sync/client/blobs';
import { createBlobHttpTransport } from '../../../sync/client/blobs-http';
import type { HttpTransportOptions } from '../../../sync/client';
import type { Broadcast } from '../ports';
import type { Store } from '../store';

export interface BlobPortOptions {
  /** After a blob became available: the messages whose attachments it completes. */
  onAvailable?: (messageIds: string[]) => void;
}

/**
 * The blob queue's port over the device's store: attachments without their bytes are missing;
 * the bytes so far are held as parts until the whole blob is checked and saved.
 */
export function createBlobStorePort(store: Store, options: BlobPortOptions = {}): BlobStorePort {
  const { blobs } = store;
  return {
    missingBlobs: (limit) => blobs.missing(limit),
    appendPartial(sha256, start, bytes) {
      store.transaction(() => {
        const held = blobs.heldBytes(sha256);
        if (held !== start) {
          throw new Error(`attachment ${sha256}: ${held} bytes held, refusing bytes at ${start}`);
        }
        blobs.appendPart(sha256, start, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      });
    },
    partialBytes: (sha256) => blobs.parts(sha256),
    completeBlob(sha256, data) {
      const messageIds = store.transaction(() => {
        blobs.save(sha256, Buffer.from(data.buffer, data.byteOffset, data.length));
        blobs.discardParts(sha256);
        return store.mail.holding(sha256);
      });
      if (messageIds.length) options.onAvailable?.(messageIds);
    },
    discardPartial: (sha256) => blobs.discardParts(sha256),
  };
}

export interface BlobDownloadsOptions {
  /** The sync transport's options: same address, versions, credentials and counters. */
  http: HttpTransportOptions;
  broadcast: Broadcast;
  logger?: Logger;
}

/**
 * The device's attachment downloads: the queue over the store port and the signed blob
 * transport; a blob that becomes available tells open screens `mail.changed`.
 */
export function createBlobDownloads(store: Store, options: BlobDownloadsOptions): BlobQueue {
  return createBlobQueue({
    store: createBlobStorePort(store, {
      onAvailable: (messageIds) => options.broadcast('mail.changed', { messageIds }),
    }),
    transport: createBlobHttpTransport(options.http),
    onFailure: (sha256, error) =>
      options.logger?.warn(
        { attachment: sha256, problem: error.problem, detail: error.message },
        'attachment download failed',
      ),
  });
}
