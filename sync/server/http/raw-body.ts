import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

/**
 * Bodies are read as bytes and kept, so a device signature can be checked over exactly the
 * bytes sent: JSON is parsed from them; blobs stay bytes.
 */

const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** The largest JSON body a route may declare (a push batch). */
export const MAX_JSON_BYTES = 4 * 1024 * 1024;

/**
 * No parser sets its own size limit: each route's `bodyLimit` (or the server's small default)
 * applies, so only the routes that declare a large body accept one.
 */
export function installBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request, body: Buffer, done) => {
      rawBodies.set(request, body);
      if (body.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(body.toString('utf8')));
      } catch {
        done(new HttpError(400, 'bad_request', 'the body is not valid JSON'), undefined);
      }
    },
  );
  app.addContentTypeParser(
    ['application/octet-stream', 'image/jpeg', 'image/png', 'image/webp', 'video/mp4'],
    { parseAs: 'buffer' },
    (request, body: Buffer, done) => {
      rawBodies.set(request, body);
      done(null, body);
    },
  );
}

export function rawBodySha256(request: FastifyRequest): string {
  return createHash('sha256')
    .update(rawBodies.get(request) ?? Buffer.alloc(0))
    .digest('hex');
}
