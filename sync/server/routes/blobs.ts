import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HEADERS, Sha256HexSchema, UuidSchema } from '../../protocol';
import { parseContentRange, readBlob, uploadChunk, uploadStatus } from '../attachments';
import { mayReadBlob, uploaderKey, type BlobReader } from '../blob-access';
import { customerSession } from '../customers';
import { bearerToken } from '../http/bearer';
import { HttpError } from '../http/errors';
import { checkVersions } from '../http/versions';
import type { Storage } from '../storage/types';
import type { RouteContext } from './context';

const BlobParams = z.object({ sha256: Sha256HexSchema });
/** The message being composed that the upload belongs to (signed with the path on devices). */
const UploadQuery = z.object({ message: UuidSchema });

const notFound = (sha256: string) => new HttpError(404, 'not_found', `no attachment ${sha256}`);

/** Sends a blob the caller may read, honouring `Range: bytes=start-[end]` (video seeking). */
export async function sendBlob(
  storage: Storage,
  request: FastifyRequest,
  reply: FastifyReply,
  sha256: string,
) {
  const header = request.headers.range;
  const match = header ? /^bytes=(\d{1,15})-(\d{0,15})$/.exec(header) : null;
  if (header && !match)
    throw new HttpError(416, 'range_not_satisfiable', 'send Range: bytes=start-[end]');
  const range = match
    ? { start: Number(match[1]), end: match[2] ? Number(match[2]) : undefined }
    : undefined;
  const { blob, bytes, start, end } = await readBlob(storage, sha256, range);
  reply.header('content-type', blob.mime).header('accept-ranges', 'bytes');
  if (range) reply.status(206).header('content-range', `bytes ${start}-${end}/${blob.size}`);
  return reply.send(bytes);
}

/**
 * Attachment upload and download for devices (signed) and customers (session). Staff see
 * attachments through the review route (routes/staff.ts). Uploads are bound to a message
 * being composed; downloads are for whoever may read a message holding the blob.
 */
export function blobRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  /** A signed device or a customer session; nobody else uploads or downloads here. */
  async function reader(request: FastifyRequest): Promise<Exclude<BlobReader, { kind: 'staff' }>> {
    if (request.headers[HEADERS.device] !== undefined) {
      checkVersions(request, context.minAppVersion);
      return { kind: 'device', device: await context.authenticateDevice(request) };
    }
    const session = await customerSession(storage, clock, bearerToken(request));
    return { kind: 'customer', customerId: session.customerId };
  }

  const keyOf = (caller: Exclude<BlobReader, { kind: 'staff' }>) =>
    caller.kind === 'customer'
      ? uploaderKey({ kind: 'customer', customerId: caller.customerId })
      : uploaderKey({ kind: 'device', deviceId: caller.device.id });

  app.put('/v1/blobs/:sha256', async (request) => {
    const caller = await reader(request);
    if (caller.kind === 'device' && caller.device.profile === 'lobby') {
      throw new HttpError(403, 'forbidden', 'a lobby kiosk sends no mail');
    }
    const { sha256 } = BlobParams.parse(request.params);
    const { message } = UploadQuery.parse(request.query);
    if (!Buffer.isBuffer(request.body)) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'send the bytes with the attachment type as Content-Type',
      );
    }
    const range = parseContentRange(request.headers['content-range'], request.body.length);
    return uploadChunk(
      storage,
      clock,
      {
        sha256,
        mime: String(request.headers['content-type'] ?? '')
          .split(';')[0]
          .trim(),
        start: range.start,
        total: range.total,
        bytes: request.body,
      },
      { key: keyOf(caller), messageId: message },
    );
  });

  /** The caller's own progress uploading for a message (to resume), or 404. */
  app.get('/v1/blobs/:sha256/status', async (request) => {
    const caller = await reader(request);
    const { message } = UploadQuery.parse(request.query);
    return uploadStatus(storage, BlobParams.parse(request.params).sha256, {
      key: keyOf(caller),
      messageId: message,
    });
  });

  app.get('/v1/blobs/:sha256', async (request, reply) => {
    const caller = await reader(request);
    const { sha256 } = BlobParams.parse(request.params);
    if (!(await mayReadBlob(storage, caller, sha256))) throw notFound(sha256);
    return sendBlob(storage, request, reply, sha256);
  });
}
