import type { FastifyRequest } from 'fastify';
import { HttpError } from './errors';

/** The token of `authorization: Bearer <token>`, or 401. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const token =
    typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header)?.[1] : null;
  if (!token) throw new HttpError(401, 'unauthorized', 'send authorization: Bearer <token>');
  return token;
}
