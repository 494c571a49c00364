import type { Database } from 'better-sqlite3';
import type { DeviceProfile } from '../../../../domain/types';

export interface DeviceIdentity {
  deviceId: string;
  profile: DeviceProfile;
  facilityId: string;
  serial: string | null;
  /** `salt:hash` of the maintenance PIN, scrypt; null when maintenance is disabled. */
  maintenancePinHash: string | null;
  createdAt: string;
}

export interface FacilityConfigRow {
  facilityId: string;
  version: number;
  /** Parsed JSON; validate with FacilityConfigSchema where it is used. */
  config: unknown;
  updatedAt: string;
}

export function createIdentityRepository(db: Database) {
  const getDevice = db.prepare<[], DeviceIdentity>(
    `SELECT device_id AS deviceId, profile, facility_id AS facilityId, serial,
            maintenance_pin_hash AS maintenancePinHash, created_at AS createdAt
       FROM device_identity WHERE singleton = 1`,
  );
  const putDevice = db.prepare(
    `INSERT INTO device_identity
       (singleton, device_id, profile, facility_id, serial, maintenance_pin_hash, created_at)
     VALUES (1, @deviceId, @profile, @facilityId, @serial, @maintenancePinHash, @createdAt)
     ON CONFLICT (singleton) DO UPDATE SET profile = excluded.profile,
       facility_id = excluded.facility_id, serial = excluded.serial,
       maintenance_pin_hash = excluded.maintenance_pin_hash`,
  );
  const getFacility = db.prepare<[string], Omit<FacilityConfigRow, 'config'> & { json: string }>(
    `SELECT facility_id AS facilityId, version, config_json AS json, updated_at AS updatedAt
       FROM facility_config WHERE facility_id = ?`,
  );
  const putFacility = db.prepare(
    `INSERT INTO facility_config (facility_id, version, config_json, updated_at)
     VALUES (@facilityId, @version, @json, @updatedAt)
     ON CONFLICT (facility_id) DO UPDATE SET version = excluded.version,
       config_json = excluded.config_json, updated_at = excluded.updated_at
     WHERE excluded.version >= facility_config.version`,
  );

  return {
    device: (): DeviceIdentity | undefined => getDevice.get(),
    saveDevice: (device: DeviceIdentity): void => void putDevice.run(device),
    facility(facilityId: string): FacilityConfigRow | undefined {
      const row = getFacility.get(facilityId);
      return row && { ...row, config: JSON.parse(row.json) as unknown };
    },
    /** Stores a config unless a newer version is already stored. */
    saveFacility(row: FacilityConfigRow): void {
      putFacility.run({ ...row, json: JSON.stringify(row.config) });
    },
  };
}
