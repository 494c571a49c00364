import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ZodError } from 'zod';
import type { ErrorBody, ErrorCode, RejectionCode } from '../../protocol';
import { Rejection } from '../rejection';
import { TransientStorageError } from '../storage/types';

/** An HTTP answer with a stable error code (sync/protocol errors.ts). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** How the HTTP APIs answer a business refusal. */
const REJECTION_STATUS: Partial<Record<RejectionCode, number>> = {
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  locked: 423,
  invalid_args: 400,
};

function send(reply: FastifyReply, status: number, body: ErrorBody | Record<string, unknown>) {
  return reply.status(status).send(body);
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ZodError) {
      return send(reply, 400, {
        error: {
          code: 'bad_request',
          message: 'the request does not match its schema',
          issues: error.issues.map((issue) => ({
            path: issue.path.join('.'),
            message: issue.message,
          })),
        },
      });
    }
    if (error instanceof HttpError) {
      return send(reply, error.status, {
        error: { code: error.code, message: error.message, ...error.extra },
      });
    }
    if (error instanceof Rejection) {
      return send(reply, REJECTION_STATUS[error.code] ?? 422, {
        error: { code: error.code, message: error.reason },
      });
    }
    if (error instanceof TransientStorageError) {
      request.log.warn({ err: error }, 'transient storage failure');
      return send(reply, 503, { error: { code: 'internal', message: 'busy, retry later' } });
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const code: ErrorCode =
        status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : 'bad_request';
      return send(reply, status, { error: { code, message: error.message } });
    }
    request.log.error({ err: error }, 'unexpected error');
    return send(reply, 500, { error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, {
      error: { code: 'not_found', message: `no route ${request.method} ${request.url}` },
    }),
  );
}
