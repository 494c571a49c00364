import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEVICE_PROFILES } from '../../../domain';
import { MAX_ATTACHMENT_BYTES, Sha256HexSchema } from '../../protocol';
import { blobStatus, parseContentRange, readBlob, uploadChunk } from '../attachments';
import type { RouteAccess } from '../http/access';
import { HttpError } from '../http/errors';
import type { RouteContext } from './context';

const BlobParams = z.object({ sha256: Sha256HexSchema });

/**
 * Attachments: upload (devices, customers) and download (devices, customers, reviewers), each
 * caller kind under its own prefix so every route declares exactly one kind of caller. Only upload
 * routes take a large body, and only once the caller is authenticated (the access hook runs before
 * the body is read).
 */
export function blobRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  async function upload(request: FastifyRequest) {
    const { sha256 } = BlobParams.parse(request.params);
    if (!Buffer.isBuffer(request.body)) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'send the bytes with the attachment type as Content-Type',
      );
    }
    const range = parseContentRange(request.headers['content-range'], request.body.length);
    return uploadChunk(storage, clock, {
      sha256,
      mime: String(request.headers['content-type'] ?? '')
        .split(';')[0]
        .trim(),
      start: range.start,
      total: range.total,
      bytes: request.body,
    });
  }

  async function download(request: FastifyRequest, reply: FastifyReply) {
    const { sha256 } = BlobParams.parse(request.params);
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

  const status = (request: FastifyRequest) =>
    blobStatus(storage, BlobParams.parse(request.params).sha256);

  function uploaders(prefix: string, access: RouteAccess) {
    app.put(`${prefix}/:sha256`, { bodyLimit: MAX_ATTACHMENT_BYTES, config: { access } }, upload);
    app.get(`${prefix}/:sha256/status`, { config: { access } }, status);
    app.get(`${prefix}/:sha256`, { config: { access } }, download);
  }

  uploaders('/v1/blobs', { kind: 'device', profiles: DEVICE_PROFILES });
  uploaders('/v1/customer/blobs', { kind: 'customer' });
  app.get(
    '/v1/staff/blobs/:sha256',
    { config: { access: { kind: 'staff', roles: ['reviewer', 'supervisor'] } } },
    download,
  );
}
