import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HEADERS, Sha256HexSchema } from '../../protocol';
import { blobStatus, parseContentRange, readBlob, uploadChunk } from '../attachments';
import { customerSession } from '../customers';
import { bearerToken } from '../http/bearer';
import { HttpError } from '../http/errors';
import { checkVersions } from '../http/versions';
import { staffByToken } from '../staff';
import type { RouteContext } from './context';

const BlobParams = z.object({ sha256: Sha256HexSchema });

/** Attachment upload (devices and customers) and download (devices, customers, staff). */
export function blobRoutes(app: FastifyInstance, context: RouteContext): void {
  const { storage, clock } = context;

  /** A signed device, or a customer or staff bearer token. */
  async function authenticate(request: FastifyRequest, staffAllowed: boolean): Promise<void> {
    if (request.headers[HEADERS.device] !== undefined) {
      checkVersions(request, context.minAppVersion);
      await context.authenticateDevice(request);
      return;
    }
    const token = bearerToken(request);
    if (staffAllowed) {
      const isStaff = await staffByToken(storage, token).then(
        () => true,
        () => false,
      );
      if (isStaff) return;
    }
    await customerSession(storage, clock, token);
  }

  app.put('/v1/blobs/:sha256', async (request) => {
    await authenticate(request, false);
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
  });

  app.get('/v1/blobs/:sha256/status', async (request) => {
    await authenticate(request, true);
    return blobStatus(storage, BlobParams.parse(request.params).sha256);
  });

  app.get('/v1/blobs/:sha256', async (request, reply) => {
    await authenticate(request, true);
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
  });
}
