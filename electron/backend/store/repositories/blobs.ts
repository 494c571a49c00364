import type { Database } from 'better-sqlite3';
import type { MissingBlob } from '../../../../sync/client/blobs';

/**
 * Attachment bytes by content hash: whole in `blobs`, or as they download in
 * `blob_download_parts` (migration 5), one row per write, appended only at the end of what is
 * held. Several messages may name the same bytes; they are stored once.
 */
export function createBlobsRepository(db: Database) {
  const put = db.prepare(
    `INSERT INTO blobs (content_hash, data) VALUES (?, ?) ON CONFLICT DO NOTHING`,
  );
  const get = db.prepare<[string], { data: Buffer }>(
    `SELECT data FROM blobs WHERE content_hash = ?`,
  );
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
  const addPart = db.prepare(
    `INSERT INTO blob_download_parts (content_hash, start, data) VALUES (?, ?, ?)`,
  );
  const parts = db.prepare<[string], { data: Buffer }>(
    `SELECT data FROM blob_download_parts WHERE content_hash = ? ORDER BY start`,
  );
  const discardParts = db.prepare(`DELETE FROM blob_download_parts WHERE content_hash = ?`);
  const dropUnheldBlob = db.prepare(
    `DELETE FROM blobs WHERE content_hash = @hash
       AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE content_hash = @hash)`,
  );
  const dropUnheldParts = db.prepare(
    `DELETE FROM blob_download_parts WHERE content_hash = @hash
       AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE content_hash = @hash)`,
  );

  return {
    save: (contentHash: string, data: Buffer): void => void put.run(contentHash, data),
    get: (contentHash: string): Buffer | undefined => get.get(contentHash)?.data,
    /** Attachments without their bytes, part-downloaded ones first, then the newest. */
    missing: (limit: number): MissingBlob[] => missing.all(limit),
    /** How many bytes of a download are held. */
    heldBytes: (contentHash: string): number => held.get(contentHash)?.held ?? 0,
    /** Appends bytes at `start`; the caller checks that `start` is the end of what is held. */
    appendPart(contentHash: string, start: number, data: Buffer): void {
      addPart.run(contentHash, start, data);
    },
    parts: (contentHash: string): Buffer[] => parts.all(contentHash).map((part) => part.data),
    discardParts: (contentHash: string): void => void discardParts.run(contentHash),
    /** Drops the bytes, whole or half downloaded, unless an attachment still names them. */
    dropUnheld(contentHash: string): void {
      dropUnheldBlob.run({ hash: contentHash });
      dropUnheldParts.run({ hash: contentHash });
    },
  };
}
