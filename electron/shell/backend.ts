import { join } from 'node:path';
import type { Logger } from 'pino';
import { createBackend, type Backend } from '../backend';
import type { StoreKeySource } from '../backend/store';
import { createDeviceService } from '../backend/devices';
import { createBackendSync, enrollWithCode, isEnrolled } from '../backend/sync';
import type { ShellConfig } from './config/schema';

/** Bill credits are journaled here before the acceptor is acknowledged (device service). */
const CREDIT_JOURNAL_FILE = 'bill-credits.db';

/**
 * The device's backend as the shell runs it: the local store in `dataDir`, the sync client to
 * the central service, the hardware from `devices` (validated by the device service: a bad
 * entry throws naming the field), and a one-time enrollment when the device has none yet.
 */
export async function composeBackend(
  config: ShellConfig,
  logger: Logger,
  appVersion: string,
  storeKey: StoreKeySource,
): Promise<Backend> {
  const hasDevices = Object.keys(config.devices).length > 0;
  const allowInsecureHttp = config.allowInsecureCentralUrl;
  if (allowInsecureHttp)
    logger.warn(
      { alert: 'insecure_central_url_allowed', centralUrl: config.centralUrl },
      'lab override: plain http:// to the central service is accepted',
    );
  const backend = await createBackend({
    dataDir: config.dataDir,
    storeKey,
    profile: config.profile,
    facilityId: config.facilityId,
    warehouseAddress: config.warehouseAddress,
    serial: config.serial,
    maintenancePinHash: config.servicePinHash,
    appVersion,
    logger,
    syncClient: createBackendSync({
      appVersion,
      serverUrl: config.centralUrl,
      logger,
      allowInsecureHttp,
    }),
    ...(hasDevices && {
      devices: (onEvent) =>
        createDeviceService({
          config: { devices: config.devices },
          logger: logger.child({ component: 'devices' }),
          onEvent,
          creditJournalPath: join(config.dataDir, CREDIT_JOURNAL_FILE),
        }),
    }),
  });
  const { enrollment } = config;
  if (enrollment && !isEnrolled(backend.store)) {
    // Sync reads its credentials per request, so it starts working once this succeeds.
    enrollWithCode(backend.store, {
      serverUrl: config.centralUrl,
      code: enrollment.code,
      label: enrollment.label,
      appVersion,
      allowInsecureHttp,
      now: () => new Date().toISOString(),
    }).then(
      (credentials) => logger.info({ deviceId: credentials.deviceId }, 'device enrolled'),
      (error: unknown) =>
        logger.error({ err: error }, 'enrollment failed: will retry at the next start'),
    );
  }
  return backend;
}
