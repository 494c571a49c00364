import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installAccessControl } from './http/access-control';
import { createDeviceAuthenticator } from './http/device-auth';
import { createDeviceSessions } from './http/device-sessions';
import { installErrorHandler } from './http/errors';
import { installBodyParsers } from './http/raw-body';
import { createPageSigner } from './page-signing';
import { adminRoutes } from './routes/admin';
import { blobRoutes } from './routes/blobs';
import { customerRoutes } from './routes/customer';
import { staffRoutes } from './routes/staff';
import type { RouteContext } from './routes/context';
import { moneyRoutes } from './routes/money';
import type { PaymentsPort } from './money/payments';
import { deviceRoutes } from './routes/device';
import type { Storage } from './storage/types';
import type { Clock } from './work';
import { updateFeedPlugin, type UpdateFeedOptions } from './updates/plugin';

/** Limits applied before any work, so a slow or oversized caller cannot tie the service up. */
interface ServerLimits {
  /** Body limit of every route that does not declare its own (uploads and push do). */
  bodyBytes: number;
  /** Time allowed for a whole request (headers and body) to arrive. */
  requestTimeoutMs: number;
  /** Time allowed for the headers to arrive. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** How often the server looks for requests past their timeouts. */
  timeoutCheckMs: number;
  /** Open connections at once; more are refused by the server socket. */
  maxConnections: number;
}

const DEFAULT_LIMITS: ServerLimits = {
  bodyBytes: 64 * 1024,
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 10_000,
  timeoutCheckMs: 5_000,
  maxConnections: 2_000,
};

export interface CentralServerOptions {
  storage: Storage;
  logger: Logger;
  clock?: Clock;
  /** Devices with an older app get "upgrade required". */
  minAppVersion?: string;
  /** The card processor behind the payments port (money/http-processor.ts); none: no cards. */
  payments?: PaymentsPort | null;
  /** Serve the signed update feed (sync/server/updates) under /updates/. */
  updates?: UpdateFeedOptions;
  limits?: Partial<ServerLimits>;
  /**
   * Behind a reverse proxy: the proxy's address(es), so rate limits and lockouts count the
   * caller's address from X-Forwarded-For instead of the proxy's. Never `true` on an open port.
   */
  trustProxy?: string | string[];
}

/**
 * Builds the central service (not listening yet: call `listen`). Tests use it with port 0.
 * The caller owns the storage and closes it after the app.
 */
export async function createCentralServer(options: CentralServerOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  // Typed as Fastify's base logger so routes and plugins take the plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: limits.bodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    trustProxy: options.trustProxy ?? false,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckMs,
    },
  });
  app.server.maxConnections = limits.maxConnections;
  const clock = options.clock ?? (() => new Date());
  const context: RouteContext = {
    storage: options.storage,
    clock,
    logger: options.logger,
    minAppVersion: options.minAppVersion ?? '0.0.0',
    pageSigner: createPageSigner(options.storage),
    deviceSessions: createDeviceSessions(clock),
    payments: options.payments ?? null,
  };
  installErrorHandler(app);
  installBodyParsers(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  installAccessControl(app, {
    storage: context.storage,
    clock: context.clock,
    minAppVersion: context.minAppVersion,
    devices: createDeviceAuthenticator(options.storage, context.deviceSessions),
  });
  deviceRoutes(app, context);
  adminRoutes(app, context);
  customerRoutes(app, context);
  staffRoutes(app, context);
  blobRoutes(app, context);
  moneyRoutes(app, context);
  if (options.updates)
    await app.register(updateFeedPlugin, { prefix: '/updates', ...options.updates });
  return app;
}
