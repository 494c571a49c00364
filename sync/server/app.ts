import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { MAX_ATTACHMENT_BYTES } from '../protocol';
import { createDeviceAuthenticator } from './http/device-auth';
import { installErrorHandler } from './http/errors';
import { installBodyParsers } from './http/raw-body';
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

export interface CentralServerOptions {
  storage: Storage;
  logger: Logger;
  clock?: Clock;
  /** Bearer token of the admin API; null disables it. */
  adminToken?: string | null;
  /** Devices with an older app get "upgrade required". */
  minAppVersion?: string;
  /** The card processor behind the payments port (money/http-processor.ts); none: no cards. */
  payments?: PaymentsPort | null;
  /** Serve the signed update feed (sync/server/updates) under /updates/. */
  updates?: UpdateFeedOptions;
}

/**
 * Builds the central service (not listening yet: call `listen`). Tests use it with port 0.
 * The caller owns the storage and closes it after the app.
 */
export async function createCentralServer(options: CentralServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as Fastify's base logger so routes and plugins take the plain FastifyInstance.
    loggerInstance: options.logger as FastifyBaseLogger,
    // Large attachment chunks are parsed per route; JSON bodies have their own limit.
    bodyLimit: MAX_ATTACHMENT_BYTES,
  });
  const context: RouteContext = {
    storage: options.storage,
    clock: options.clock ?? (() => new Date()),
    logger: options.logger,
    adminToken: options.adminToken ?? null,
    minAppVersion: options.minAppVersion ?? '0.0.0',
    authenticateDevice: createDeviceAuthenticator(options.storage),
    payments: options.payments ?? null,
  };
  installErrorHandler(app);
  installBodyParsers(app, MAX_ATTACHMENT_BYTES);
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
