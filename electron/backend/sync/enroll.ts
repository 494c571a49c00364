import { enrollDevice, generateDeviceKeys } from '../../../sync/client';
import { LATEST_SCHEMA_VERSION, type Store, type SyncCredentialsRow } from '../store';
import { scopeKey } from './apply';
import { createResidentDeparture } from './departure';
import { servingScopes } from './port';

export interface EnrollOptions {
  /** The central service, e.g. http://127.0.0.1:8080 */
  serverUrl: string;
  /** The one-time code facility IT created (`npm run central -- enroll-code ...`). */
  code: string;
  appVersion: string;
  /** Free text shown to facility IT, e.g. "Unit B kiosk 2". */
  label?: string;
  now: () => string;
  /** Facility IT's lab override: plain http:// to a central service on another machine. */
  allowInsecureHttp?: boolean;
}

/**
 * Trades an enrollment code for a device identity: generates an Ed25519 key pair, registers the
 * public key, and stores the identity and the private key in the local store. A re-enrolled
 * device starts its pull from scratch (the new identity may see other scopes); its outbox stays
 * and is pushed under the new identity.
 */
export async function enrollWithCode(
  store: Store,
  options: EnrollOptions,
): Promise<SyncCredentialsRow> {
  const keys = generateDeviceKeys();
  const enrolled = await enrollDevice(
    {
      baseUrl: options.serverUrl,
      appVersion: options.appVersion,
      schemaVersion: LATEST_SCHEMA_VERSION,
      allowInsecureHttp: options.allowInsecureHttp,
    },
    {
      code: options.code,
      publicKey: keys.publicKey,
      appVersion: options.appVersion,
      label: options.label ?? '',
      // A tablet's serial (set from the shell configuration) picks the resident it may read.
      serial: store.identity.device()?.serial ?? undefined,
    },
  );
  const at = options.now();
  const row: SyncCredentialsRow = {
    deviceId: enrolled.deviceId,
    facilityId: enrolled.facilityId,
    profile: enrolled.profile,
    serverUrl: options.serverUrl,
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    servicePublicKey: enrolled.servicePublicKey,
    housingUnitId: enrolled.housingUnitId,
    enrolledAt: at,
  };
  store.transaction(() => {
    store.credentials.save(row);
    store.sync.clearCursors();
    // Residents pulled under the old identity stay only if the new one reads their scope.
    createResidentDeparture(store).departAllBut(new Set(servingScopes(row).map(scopeKey)));
    store.sync.saveState({ ...store.sync.state(), serverEpoch: enrolled.epoch });
    const device = store.identity.device();
    store.identity.saveDevice({
      deviceId: device?.deviceId ?? enrolled.deviceId,
      serial: device?.serial ?? null,
      maintenancePinHash: device?.maintenancePinHash ?? null,
      createdAt: device?.createdAt ?? at,
      profile: enrolled.profile,
      facilityId: enrolled.facilityId,
    });
  });
  return row;
}

/** Whether this device has a sync identity yet. */
export function isEnrolled(store: Store): boolean {
  return store.credentials.get() !== undefined;
}
