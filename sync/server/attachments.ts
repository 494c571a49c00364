import { createHash } from 'node:crypto';
import { ATTACHMENT_MIME_TYPES, MAX_ATTACHMENT_BYTES, type AttachmentMimeType } from '../protocol';
import { HttpError } from './http/errors';
import { SNIFF_BYTES, sniffMime } from './sniff';
import { typed } from './storage/typed';
import type { Storage, Transaction } from './storage/types';
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
  const [start, end, total] = (match?.slice(1) ?? []).map(Number);
  if (start === undefined || end === undefined || total === undefined) {
    throw new HttpError(400, 'bad_request', 'send Content-Range: bytes start-end/total');
  }
  if (end < start || end - start + 1 !== length || end >= total) {
    throw new HttpError(400, 'bad_request', 'Content-Range does not match the body');
  }
  return { start, total };
}

function isAllowedMime(mime: string): mime is AttachmentMimeType {
  return (ATTACHMENT_MIME_TYPES as readonly string[]).includes(mime);
}

async function blobStatus(storage: Storage, sha256: string): Promise<BlobStatus> {
  const row = await typed(storage).first((db) =>
    db.selectFrom('blobs').selectAll().where('sha256', '=', sha256),
  );
  if (!row) throw new HttpError(404, 'not_found', `no attachment ${sha256}`);
  return status(row);
}

/** Who uploads, for which message being composed (blob_uploads). */
export interface Uploader {
  /** `customer:<id>` or `device:<id>` (blob-access.ts uploaderKey). */
  key: string;
  messageId: string;
}

/**
 * Per uploader, over uploads of the last day that are not yet part of a sent message: at most
 * this many bytes and blobs (ten attachments of four messages being composed at once).
 */
export const UPLOAD_QUOTA = { bytes: 4 * MAX_ATTACHMENT_BYTES, blobs: 40, hours: 24 } as const;

/** The uploader's progress on a blob, as the uploader sees it. */
export async function uploadStatus(
  storage: Storage,
  sha256: string,
  uploader: Uploader,
): Promise<BlobStatus> {
  const claim = await typed(storage).first((db) =>
    db
      .selectFrom('blob_uploads as u')
      .innerJoin('blobs as b', 'b.sha256', 'u.sha256')
      .select(['u.size', 'u.received', 'u.complete', 'b.mime'])
      .where('u.sha256', '=', sha256)
      .where('u.uploader', '=', uploader.key)
      .where('u.message_id', '=', uploader.messageId),
  );
  if (!claim) throw new HttpError(404, 'not_found', `no upload of ${sha256} here`);
  return {
    sha256,
    mime: claim.mime,
    size: claim.size,
    received: claim.received,
    complete: claim.complete === 1,
  };
}

async function checkQuota(tx: Transaction, uploader: Uploader, size: number, now: Date) {
  const since = new Date(now.getTime() - UPLOAD_QUOTA.hours * 3_600_000).toISOString();
  const pending = await typed(tx).first((db) =>
    db
      .selectFrom('blob_uploads as u')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number | null>('u.size').as('bytes'),
      ])
      .where('u.uploader', '=', uploader.key)
      .where('u.created_at', '>', since)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('messages as m').select('m.id').whereRef('m.id', '=', 'u.message_id')),
        ),
      ),
  );
  const blobs = Number(pending?.n ?? 0);
  const bytes = Number(pending?.bytes ?? 0);
  if (blobs + 1 > UPLOAD_QUOTA.blobs || bytes + size > UPLOAD_QUOTA.bytes) {
    throw new HttpError(
      413,
      'payload_too_large',
      `at most ${UPLOAD_QUOTA.blobs} attachments and ${UPLOAD_QUOTA.bytes} bytes may wait to be sent`,
    );
  }
}

/** Stored bytes [start, start + length) of a blob. */
async function storedRange(tx: Transaction, sha256: string, start: number, length: number) {
  const chunks = await typed(tx).all((db) =>
    db
      .selectFrom('blob_chunks')
      .select(['start', 'data'])
      .where('sha256', '=', sha256)
      .where('start', '<', start + length)
      .where((eb) => eb(eb('start', '+', eb.fn<number>('length', ['data'])), '>', start))
      .orderBy('start'),
  );
  const first = chunks[0];
  if (!first) return Buffer.alloc(0);
  const joined = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data)));
  const offset = start - Number(first.start);
  return joined.subarray(offset, offset + length);
}

/** The whole blob hashes to its id and its first bytes are of the type it was declared as. */
async function verifyWhole(tx: Transaction, row: BlobRow): Promise<boolean> {
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  const chunks = await typed(tx).all((db) =>
    db.selectFrom('blob_chunks').select('data').where('sha256', '=', row.sha256).orderBy('start'),
  );
  for (const chunk of chunks) {
    hash.update(chunk.data);
    if (headBytes < SNIFF_BYTES) {
      head.push(Buffer.from(chunk.data));
      headBytes += chunk.data.length;
    }
  }
  if (hash.digest('hex') !== row.sha256) return false;
  return (await sniffMime(Buffer.concat(head).subarray(0, SNIFF_BYTES))) === row.mime;
}

const mismatch = () =>
  new HttpError(
    422,
    'hash_mismatch',
    'the bytes do not hash to the attachment id or are not of the declared type: start again',
  );

/**
 * One chunk of an upload. Each uploader proves it has the bytes: its own progress is kept in
 * its claim (blob_uploads), bytes the service already holds (another uploader's, or a complete
 * blob) are compared rather than taken on trust, and only new bytes are appended. So knowing a
 * hash is never enough to claim a blob and read it later. The claim binds the upload to the
 * message being composed and counts against the uploader's quota. When the last byte arrives
 * the whole blob must hash to its id and be, by its content (magic bytes), the declared type.
 */
export async function uploadChunk(
  storage: Storage,
  clock: Clock,
  upload: ChunkUpload,
  uploader: Uploader,
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
      const now = clock();
      const q = typed(tx);
      let claim = await q.first((db) =>
        db
          .selectFrom('blob_uploads')
          .select(['received', 'complete'])
          .where('sha256', '=', upload.sha256)
          .where('uploader', '=', uploader.key)
          .where('message_id', '=', uploader.messageId)
          .$call(q.lockRows),
      );
      if (!claim) {
        const sent = await q.first((db) =>
          db.selectFrom('messages').select('id').where('id', '=', uploader.messageId),
        );
        if (sent) throw new HttpError(409, 'conflict', 'this message is already sent');
        await checkQuota(tx, uploader, upload.total, now);
        claim = { received: 0, complete: 0 };
        await q.run((db) =>
          db.insertInto('blob_uploads').values({
            sha256: upload.sha256,
            uploader: uploader.key,
            message_id: uploader.messageId,
            size: upload.total,
            received: 0,
            complete: 0,
            created_at: now.toISOString(),
          }),
        );
      }
      let row: BlobRow | undefined = await q.first((db) =>
        db
          .selectFrom('blobs')
          .select(['sha256', 'mime', 'size', 'received', 'complete'])
          .where('sha256', '=', upload.sha256)
          .$call(q.lockRows),
      );
      if (!row) {
        row = {
          sha256: upload.sha256,
          mime: upload.mime,
          size: upload.total,
          received: 0,
          complete: 0,
        };
        await q.run((db) =>
          db.insertInto('blobs').values({
            sha256: upload.sha256,
            mime: upload.mime,
            size: upload.total,
            received: 0,
            complete: 0,
            created_at: now.toISOString(),
          }),
        );
      }
      if (row.mime !== upload.mime || row.size !== upload.total) {
        throw new HttpError(
          409,
          'conflict',
          'this attachment is being uploaded with another type or size',
        );
      }
      const mine = { ...row, received: claim.received, complete: claim.complete };
      // A repeated chunk (the answer to it was lost) is already counted: say where we are.
      if (claim.complete === 1 || upload.start + upload.bytes.length <= claim.received)
        return status(mine);
      if (upload.start !== claim.received) {
        throw new HttpError(416, 'range_not_satisfiable', `resume at byte ${claim.received}`, {
          received: claim.received,
        });
      }
      const known = Math.min(row.received, upload.start + upload.bytes.length) - upload.start;
      if (known > 0) {
        const stored = await storedRange(tx, upload.sha256, upload.start, known);
        // Thrown, so the claim this chunk opened is not kept.
        if (!stored.equals(upload.bytes.subarray(0, known))) throw mismatch();
      }
      if (known < upload.bytes.length) {
        await q.run((db) =>
          db.insertInto('blob_chunks').values({
            sha256: upload.sha256,
            start: upload.start + known,
            data: upload.bytes.subarray(known),
          }),
        );
        row.received = upload.start + upload.bytes.length;
        if (row.received === row.size) {
          if (!(await verifyWhole(tx, row))) {
            for (const table of ['blob_uploads', 'blob_chunks', 'blobs'] as const) {
              await q.run((db) => db.deleteFrom(table).where('sha256', '=', upload.sha256));
            }
            return 'mismatch' as const;
          }
          row.complete = 1;
        }
        const { received, complete } = row;
        await q.run((db) =>
          db.updateTable('blobs').set({ received, complete }).where('sha256', '=', upload.sha256),
        );
      }
      const received = upload.start + upload.bytes.length;
      const complete = received === row.size && row.complete === 1 ? 1 : 0;
      await q.run((db) =>
        db
          .updateTable('blob_uploads')
          .set({ received, complete })
          .where('sha256', '=', upload.sha256)
          .where('uploader', '=', uploader.key)
          .where('message_id', '=', uploader.messageId),
      );
      return status({ ...row, received, complete });
    })
    .then((result) => {
      if (result === 'mismatch') throw mismatch();
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
  const chunks = await typed(storage).all((db) =>
    db.selectFrom('blob_chunks').select('data').where('sha256', '=', sha256).orderBy('start'),
  );
  const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.data))).subarray(
    start,
    end + 1,
  );
  return { blob, bytes, start, end };
}
