import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors';

/**
 * Rate limits on the doors an outsider can knock on without an account: sign-in, forgot-password,
 * resident lookup, registration and device enrollment. Each is limited twice, by source address
 * (one machine trying many accounts) and by the account it names (many machines trying one
 * account). The counters live in the node's memory (@fastify/rate-limit's store): several nodes
 * each count their own share.
 */

export type LimitedDoor =
  'customer-login' | 'staff-login' | 'forgot-password' | 'lookup' | 'register' | 'enroll';

interface DoorLimit {
  perAddress: number;
  perAccount: number;
  /** What the body names as the account (lower-cased), if anything. */
  account: (body: Record<string, unknown>) => unknown;
}

const WINDOW_MS = 15 * 60_000;

const DOORS: Record<LimitedDoor, DoorLimit> = {
  'customer-login': { perAddress: 60, perAccount: 20, account: (b) => b.email },
  'staff-login': { perAddress: 30, perAccount: 10, account: (b) => b.email },
  'forgot-password': { perAddress: 20, perAccount: 5, account: (b) => b.email },
  lookup: { perAddress: 60, perAccount: 20, account: (b) => `${b.state}/${b.docNumber}` },
  register: { perAddress: 20, perAccount: 5, account: (b) => b.email },
  // A facility's devices may share one address (NAT) while they are rolled out.
  enroll: { perAddress: 600, perAccount: 10, account: (b) => b.code },
};

function accountKey(request: FastifyRequest, door: DoorLimit): string {
  const body = request.body;
  const named =
    body !== null && typeof body === 'object' ? door.account(body as Record<string, unknown>) : '';
  return String(named).trim().toLowerCase().slice(0, 320);
}

/**
 * Route options for a limited door: by address before the body is read, by account after. Each
 * check uses the plugin's `createRateLimit` (its own counter); the plugin's `rateLimit` hooks run
 * only once per request, which would skip the second.
 */
export function rateLimited(app: FastifyInstance, name: LimitedDoor) {
  const door = DOORS[name];
  const limiter = (max: number, key: (request: FastifyRequest) => string) => {
    const check = app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator: key });
    return async (request: FastifyRequest) => {
      const verdict = await check(request);
      // isAllowed is true only for an allow-listed key; isExceeded tells the count went over.
      if (!verdict.isAllowed && verdict.isExceeded)
        throw new HttpError(429, 'rate_limited', `too many tries: wait ${verdict.ttlInSeconds} s`);
    };
  };
  return {
    onRequest: limiter(door.perAddress, (request) => `${name}:address:${request.ip}`),
    preHandler: limiter(
      door.perAccount,
      (request) => `${name}:account:${accountKey(request, door)}`,
    ),
  };
}
