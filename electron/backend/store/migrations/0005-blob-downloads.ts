import type { Migration } from './migration';

/**
 * Bytes of attachment downloads in progress (electron/backend/sync/blobs.ts): appended in
 * order as they arrive, so a broken download resumes from the first byte not held. When the
 * whole blob hashes to its id it moves to `blobs` and these rows go.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'blob-downloads',
  up(db) {
    db.exec(`
      CREATE TABLE blob_download_parts (
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        start INTEGER NOT NULL CHECK (start >= 0),
        data BLOB NOT NULL,
        PRIMARY KEY (content_hash, start)
      ) STRICT;
    `);
  },
};
