import { createHash } from 'node:crypto';
import { ATTACHMENT_MIME_TYPES, MAX_ATTACHMENT_BYTES, type AttachmentMimeType } from '../protocol';
import { HttpError } from './http/errors';
import type { Storage } from './storage/types';
import type { Clock } from './work';

/**
 * Content-addressed attachments: the id is the sha256 of the bytes. Uploads are resumable: each
 * chunk says where it starts (Content-Range), the server appends it only at the current end and
 * answers how much it holds, so an interrupted upload continues from there. When the last byte
 * arrives the whole blob is hashed; a mismatch discards it. Chunks live in the database so
 * several service nodes on PostgreSQL share them.
 */

export interface BlobStatus {
  sha256: string;
  mime: string;
  size: number;
  received: number;
  complete: boolean;
}

export interface ChunkUpload {
  sha256: string;
  mime: string;
  start: number;
  total: number;
  bytes: Buffer;
}

interface BlobRow {
  sha256: string;
  mime: string;
  size: number;
  received: number;
  complete: number;
  [key: string]: unknown;
}

const status = (row: BlobRow): BlobStatus => ({
  sha256: row.sha256,
  mime: row.mime,
  size: row.size,
  received: row.received,
  complete: row.complete === 1,
});

/** Parses `bytes start-end/total`. */
export function parseContentRange(
  header: string | undefined,
  length: number,
): { start: number; total: number } {
  const match = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/.exec(header ?? '');
  if (!match) {
    throw new HttpError(400, 'bad_request', 'send Content-Range: bytes start-end/total');
  }
  const [start, end, total] = match.slice(1).map(Number);
  if (end < start || end - start + 1 !== length || end >= total) {
    throw new HttpError(400, 'bad_request', 'Content-Range does not match the body');
  }
  return { start, total };
}

function isAllowedMime(mime: string): mime is AttachmentMimeType {
  return (ATTACHMENT_MIME_TYPES as readonly string[]).includes(mime);
}

export async function blobStatus(storage: Storage, sha256: string): Promise<BlobStatus> {
  const row = await storage.get<BlobRow>('SELECT * FROM blobs WHERE sha256 = ?', [sha256]);
  if (!row) throw new HttpError(404, 'not_found', `no attachment ${sha256}`);
  return status(row);
}

export async function uploadChunk(
  storage: Storage,
  clock: Clock,
  upload: ChunkUpload,
): Promise<BlobStatus> {
  if (!isAllowedMime(upload.mime)) {
    throw new HttpError(
      415,
      'unsupported_media_type',
      `attachments must be ${ATTACHMENT_MIME_TYPES.join(', ')}`,
    );
  }
  if (upload.total > MAX_ATTACHMENT_BYTES) {
    throw new HttpError(
      413,
      'payload_too_large',
      `attachments are at most ${MAX_ATTACHMENT_BYTES} bytes`,
    );
  }
  return storage
    .transaction(async (tx) => {
      let row = await tx.get<BlobRow>(`SELECT * FROM blobs WHERE sha256 = ?${tx.forUpdate}`, [
        upload.sha256,
      ]);
      if (!row) {
        await tx.run(
          'INSERT INTO blobs (sha256, mime, size, received, complete, created_at) VALUES (?, ?, ?, 0, 0, ?)',
          [upload.sha256, upload.mime, upload.total, clock().toISOString()],
        );
        row = {
          sha256: upload.sha256,
          mime: upload.mime,
          size: upload.total,
          received: 0,
          complete: 0,
        };
      }
      if (row.mime !== upload.mime || row.size !== upload.total) {
        throw new HttpError(
          409,
          'conflict',
          'this attachment is being uploaded with another type or size',
        );
      }
      // A repeated chunk (the answer to it was lost) is already stored: say where we are.
      if (row.complete === 1 || upload.start + upload.bytes.length <= row.received)
        return status(row);
      if (upload.start !== row.received) {
        throw new HttpError(416, 'range_not_satisfiable', `resume at byte ${row.received}`, {
          received: row.received,
        });
      }
      await tx.run('INSERT INTO blob_chunks (sha256, start, data) VALUES (?, ?, ?)', [
        upload.sha256,
        upload.start,
        upload.bytes,
      ]);
      const received = row.received + upload.bytes.length;
      if (received < row.size) {
        await tx.run('UPDATE blobs SET received = ? WHERE sha256 = ?', [received, upload.sha256]);
        return status({ ...row, received });
      }
      const hash = createHash('sha256');
      for (const chunk of await tx.all<{ data: Uint8Array }>(
        'SELECT data FROM blob_chunks WHERE sha256 = ? ORDER BY start',
        [upload.sha256],
      )) {
        hash.update(chunk.data);
      }
      if (hash.digest('hex') !== upload.sha256) {
        await tx.run('DELETE FROM blob_chunks WHERE sha256 = ?', [upload.sha256]);
        await tx.run('DELETE FROM blobs WHERE sha256 = ?', [upload.sha256]);
        return null;
      }
      await tx.run('UPDATE blobs SET received = ?, complete = 1 WHERE sha256 = ?', [
        received,
        upload.sha256,
      ]);
      return status({ ...row, received, complete: 1 });
    })
    .then((result) => {
      if (result === null)
        throw new HttpError(
          422,
          'hash_mismatch',
          'the bytes do not hash to the attachment id: start again',
        );
      return result;
    });
}

/** The bytes of a complete attachment, optionally a range [start, end]. */
export async function readBlob(
  storage: Storage,
  sha256: string,
  range?: { start: number; end?: number },
) {
  const blob = await blobStatus(storage, sha256);
  if (!blob.complete) throw new HttpError(404, 'not_found', 'this attachment is still uploading');
  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? blob.size - 1, blob.size - 1);
  if (start > end)
    throw new HttpError(416, 'range_not_satisfiable', `the attachment has ${blob.size} bytes`);
  const chunks = await storage.all<{ start: number; data: Uint8Array }>(
    'SELECT start, data FROM blob_chunks WHERE sha256 = ? ORDER BY start',
    [sha256],
  );
  const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data))).subarray(
    start,
    end + 1,
  );
  return { blob, bytes, start, end };
}
