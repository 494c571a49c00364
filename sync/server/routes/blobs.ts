import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEVICE_PROFILES } from '../../../domain';
import { MAX_ATTACHMENT_BYTES, Sha256HexSchema, UuidSchema } from '../../protocol';
import { parseContentRange, readBlob, uploadChunk, uploadStatus } from '../attachments';
import { mayReadBlob, uploaderKey, type BlobReader } from '../blob-access';
import type { RouteAccess } from '../http/access';
import { requestCustomer, requestDevice } from '../http/access-control';
import { HttpError } from '../http/errors';
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
 * Attachment upload and download for devices (signed) and customers (session), each caller kind
 * under its own prefix so every route declares exactly one kind of caller. Only upload routes take
 * a large body, and only once the caller is authenticated (the access hook runs before the body is
 * read). Uploads are bound to a message being composed; downloads are for whoever may read a
 * message holding the blob. Staff see attachments only through the review route (routes/staff.ts).
 */
export function blobRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  /** The caller of a blob route, from the identity the access hook established. */
  const readerOf = (request: FastifyRequest, access: RouteAccess): BlobReader =>
    access.kind === 'device'
      ? { kind: 'device', device: requestDevice(request) }
      : { kind: 'customer', customerId: requestCustomer(request).customerId };

  const keyOf = (caller: BlobReader) =>
    caller.kind === 'customer'
      ? uploaderKey({ kind: 'customer', customerId: caller.customerId })
      : uploaderKey({ kind: 'device', deviceId: caller.device.id });

  function routesFor(prefix: string, access: RouteAccess) {
    app.put(
      `${prefix}/:sha256`,
      { bodyLimit: MAX_ATTACHMENT_BYTES, config: { access } },
      async (request) => {
        const caller = readerOf(request, access);
        if (caller.kind === 'device' && caller.device.profile === 'lobby') {
          throw new HttpError(403, 'forbidden', 'a lobby kiosk sends no mail');
        }
        const { sha256 } = BlobParams.parse(request.params);
        const { message } = UploadQuery.parse(request.query);
        if (!Buffer.isBuffer(request.body)) {
          throw new HttpError(
            415,
            'unsupported_media_type',
            'send the bytes with an attachment content type',
          );
        }
        const range = parseContentRange(request.headers['content-range'], request.body.length);
        return uploadChunk(
          storage,
          clock,
          {
            sha256,
            // the media type without its parameters (`; charset=...`)
            mime: String(request.headers['content-type'] ?? '')
              .replace(/;.*/s, '')
              .trim(),
            start: range.start,
            total: range.total,
            bytes: request.body,
          },
          { key: keyOf(caller), messageId: message },
        );
      },
    );

    /** The caller's own progress uploading for a message (to resume), or 404. */
    app.get(`${prefix}/:sha256/status`, { config: { access } }, async (request) => {
      const caller = readerOf(request, access);
      const { message } = UploadQuery.parse(request.query);
      return uploadStatus(storage, BlobParams.parse(request.params).sha256, {
        key: keyOf(caller),
        messageId: message,
      });
    });

    app.get(`${prefix}/:sha256`, { config: { access } }, async (request, reply) => {
      const caller = readerOf(request, access);
      const { sha256 } = BlobParams.parse(request.params);
      if (!(await mayReadBlob(storage, caller, sha256))) throw notFound(sha256);
      return sendBlob(storage, request, reply, sha256);
    });
  }

  routesFor('/v1/blobs', { kind: 'device', profiles: DEVICE_PROFILES });
  routesFor('/v1/customer/blobs', { kind: 'customer' });
}
