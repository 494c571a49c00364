import type { Logger } from 'pino';
import {
  createBlobQueue,
  type BlobQueue,
  type BlobStorePort,
  type MissingBlob,
} from '../../../sync/client/blobs';
import { createBlobHttpTransport } from '../../../sync/client/blobs-http';
import type { HttpTransportOptions } from '../../../sync/client';
import type { Broadcast } from '../ports';
import type { Store } from '../store';

export interface BlobPortOptions {
  /** After a blob became available: the messages whose attachments it completes. */
  onAvailable?: (messageIds: string[]) => void;
}

/**
 * The blob queue's port over the device's SQLite store: attachments without a row in `blobs`
 * are missing; their bytes so far sit in `blob_download_parts` (migration 5), one row per
 * write, appended only at the end of what is held.
 */
export function createBlobStorePort(store: Store, options: BlobPortOptions = {}): BlobStorePort {
  const { db } = store;
  const missing = db.prepare<[number], MissingBlob>(
    `SELECT a.content_hash AS sha256, max(a.size_bytes) AS size,
            coalesce((SELECT sum(length(p.data)) FROM blob_download_parts p
                       WHERE p.content_hash = a.content_hash), 0) AS held
       FROM message_attachments a
      WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.content_hash = a.content_hash)
      GROUP BY a.content_hash
      ORDER BY held > 0 DESC, max(a.rowid) DESC
      LIMIT ?`,
  );
  const held = db.prepare<[string], { held: number }>(
    `SELECT coalesce(sum(length(data)), 0) AS held FROM blob_download_parts WHERE content_hash = ?`,
  );
  const insertPart = db.prepare(
    `INSERT INTO blob_download_parts (content_hash, start, data) VALUES (?, ?, ?)`,
  );
  const parts = db.prepare<[string], { data: Buffer }>(
    `SELECT data FROM blob_download_parts WHERE content_hash = ? ORDER BY start`,
  );
  const discard = db.prepare(`DELETE FROM blob_download_parts WHERE content_hash = ?`);
  const messagesOf = db.prepare<[string], { id: string }>(
    `SELECT DISTINCT message_id AS id FROM message_attachments WHERE content_hash = ?`,
  );

  return {
    missingBlobs: (limit) => missing.all(limit),
    appendPartial(sha256, start, bytes) {
      store.transaction(() => {
        const now = held.get(sha256)?.held ?? 0;
        if (now !== start) {
          throw new Error(`attachment ${sha256}: ${now} bytes held, refusing bytes at ${start}`);
        }
        insertPart.run(sha256, start, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      });
    },
    partialBytes: (sha256) => parts.all(sha256).map((part) => part.data),
    completeBlob(sha256, data) {
      const messageIds = store.transaction(() => {
        store.mail.saveBlob(sha256, Buffer.from(data.buffer, data.byteOffset, data.length));
        discard.run(sha256);
        return messagesOf.all(sha256).map((row) => row.id);
      });
      if (messageIds.length) options.onAvailable?.(messageIds);
    },
    discardPartial: (sha256) => void discard.run(sha256),
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
