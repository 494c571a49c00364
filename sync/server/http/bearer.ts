import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { tokenHash } from '../auth/secrets';
import { HttpError } from './errors';

/** The token of `authorization: Bearer <token>`, or 401. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const token =
    typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]{16,512})$/.exec(header)?.[1] : null;
  if (!token) throw new HttpError(401, 'unauthorized', 'send authorization: Bearer <token>');
  return token;
}

/** Constant-time comparison of a presented token with the configured admin token. */
export function requireAdmin(request: FastifyRequest, adminToken: string | null): void {
  if (adminToken === null)
    throw new HttpError(403, 'forbidden', 'the admin API is disabled (no admin token)');
  const presented = Buffer.from(tokenHash(bearerToken(request)), 'hex');
  if (!timingSafeEqual(presented, Buffer.from(tokenHash(adminToken), 'hex'))) {
    throw new HttpError(401, 'unauthorized', 'wrong admin token');
  }
}
