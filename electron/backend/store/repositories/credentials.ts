import type { Database } from 'better-sqlite3';
import type { DeviceProfile } from '../../../../domain/types';

/** The enrolled device's sync identity (table `sync_credentials`, migration 3). */
export interface SyncCredentialsRow {
  deviceId: string;
  facilityId: string;
  profile: DeviceProfile;
  serverUrl: string;
  /** Ed25519 PKCS#8 DER, base64. Never logged. */
  privateKey: string;
  /** Raw Ed25519 public key, base64url. */
  publicKey: string;
  /** The central service's page-signing key, pinned at enrollment (raw Ed25519, base64url). */
  servicePublicKey: string | null;
  /** A housing-unit kiosk's unit (from enrollment or its assignment); null elsewhere. */
  housingUnitId: string | null;
  enrolledAt: string;
}

/** Counters leased per durable write; a restart skips what was left of the lease. */
const COUNTER_LEASE = 1_000;

export function createCredentialsRepository(db: Database) {
  const get = db.prepare<[], SyncCredentialsRow>(
    `SELECT device_id AS deviceId, facility_id AS facilityId, profile, server_url AS serverUrl,
            private_key AS privateKey, public_key AS publicKey,
            service_public_key AS servicePublicKey, housing_unit_id AS housingUnitId,
            enrolled_at AS enrolledAt
       FROM sync_credentials WHERE singleton = 1`,
  );
  // Re-enrolling keeps the counter lease: counters never go back on this device.
  const put = db.prepare(
    `INSERT INTO sync_credentials (singleton, device_id, facility_id, profile, server_url,
       private_key, public_key, service_public_key, housing_unit_id, enrolled_at)
     VALUES (1, @deviceId, @facilityId, @profile, @serverUrl, @privateKey, @publicKey,
       @servicePublicKey, @housingUnitId, @enrolledAt)
     ON CONFLICT (singleton) DO UPDATE SET device_id = excluded.device_id,
       facility_id = excluded.facility_id, profile = excluded.profile,
       server_url = excluded.server_url, private_key = excluded.private_key,
       public_key = excluded.public_key, service_public_key = excluded.service_public_key,
       housing_unit_id = excluded.housing_unit_id, enrolled_at = excluded.enrolled_at`,
  );
  const assign = db.prepare(`UPDATE sync_credentials SET housing_unit_id = ? WHERE singleton = 1`);
  const pin = db.prepare(
    `UPDATE sync_credentials SET service_public_key = ?
      WHERE singleton = 1 AND service_public_key IS NULL`,
  );
  const lease = db.prepare<[number], { leasedTo: number }>(
    `UPDATE sync_credentials SET counter_leased_to = counter_leased_to + ?
      WHERE singleton = 1 RETURNING counter_leased_to AS leasedTo`,
  );

  let next = 0;
  let leasedTo = -1;
  return {
    get: (): SyncCredentialsRow | undefined => get.get(),
    save: (row: SyncCredentialsRow): void => void put.run(row),
    /** Pins the service key once (devices enrolled before pages were signed); never replaces one. */
    pinServiceKey: (publicKey: string): boolean => pin.run(publicKey).changes === 1,
    /** Where the central service says this device stands (a kiosk's housing unit). */
    assign: (housingUnitId: string | null): void => void assign.run(housingUnitId),
    /** Strictly increasing across restarts: one durable write per COUNTER_LEASE requests. */
    nextCounter(): number {
      if (next > leasedTo) {
        const row = lease.get(COUNTER_LEASE);
        if (!row) throw new Error('the device is not enrolled: no request counter');
        leasedTo = row.leasedTo;
        next = leasedTo - COUNTER_LEASE + 1;
      }
      return next++;
    },
  };
}
