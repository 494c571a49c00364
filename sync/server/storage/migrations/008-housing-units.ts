import { ChangeBuffer } from '../../changes';
import { publishResident, publishSignInSetup } from '../../publish';
import { runPortableDdl, type CentralMigration } from './migration';

const TABLES = `
CREATE TABLE housing_units (
  id TEXT PRIMARY KEY, facility_id TEXT NOT NULL REFERENCES facilities(id), name TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX housing_units_by_facility ON housing_units (facility_id);
ALTER TABLE residents ADD COLUMN housing_unit_id TEXT REFERENCES housing_units(id);
ALTER TABLE residents ADD COLUMN released_at TEXT;
ALTER TABLE devices ADD COLUMN housing_unit_id TEXT REFERENCES housing_units(id);
ALTER TABLE enroll_codes ADD COLUMN housing_unit_id TEXT REFERENCES housing_units(id);
CREATE TABLE badge_keys (
  facility_id TEXT PRIMARY KEY REFERENCES facilities(id), key_id TEXT NOT NULL,
  secret TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX changes_resident_records ON changes (entity_id)
  WHERE entity IN ('resident', 'directory_entry')
`;

/**
 * Least data per device: housing units, the badge keys that hash badge codes, and sign-in
 * records sent only where a resident can sign in.
 * - Every facility that has residents or kiosks gets one unit, `<facility>-main`, holding all of
 *   them, so each kiosk keeps serving the residents it served; IT splits units afterwards.
 * - Every resident is published again: the sign-in record to the unit and to the tablets of
 *   their serial, the directory entry to lobby kiosks, and a tombstone in the facility scope,
 *   which until now sent every PIN hash and badge code to every device of the facility.
 * - Every kiosk and tablet receives its assignment (a kiosk: the unit) and the facility's badge
 *   key in its device scope.
 */
export const migration008: CentralMigration = {
  version: 8,
  name: 'housing-units',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, TABLES);
    const now = new Date().toISOString();
    const facilities = await tx.all<{ id: string }>(
      `SELECT id FROM facilities f WHERE EXISTS (SELECT 1 FROM residents r WHERE r.facility_id = f.id)
          OR EXISTS (SELECT 1 FROM devices d WHERE d.facility_id = f.id AND d.profile = 'kiosk')
       ORDER BY id`,
    );
    for (const { id } of facilities) {
      const unit = `${id}-main`;
      await tx.run(
        'INSERT INTO housing_units (id, facility_id, name, created_at) VALUES (?, ?, ?, ?)',
        [unit, id, 'Main housing unit', now],
      );
      await tx.run('UPDATE residents SET housing_unit_id = ? WHERE facility_id = ?', [unit, id]);
      await tx.run(
        "UPDATE devices SET housing_unit_id = ? WHERE facility_id = ? AND profile = 'kiosk'",
        [unit, id],
      );
    }
    const work = { tx, changes: new ChangeBuffer(), now, memo: new Map<string, unknown>() };
    const devices = await tx.all<{
      id: string;
      facility_id: string;
      housing_unit_id: string | null;
    }>(
      `SELECT id, facility_id, housing_unit_id FROM devices
       WHERE profile <> 'lobby' AND revoked_at IS NULL ORDER BY id`,
    );
    for (const device of devices)
      await publishSignInSetup(work, {
        id: device.id,
        facilityId: device.facility_id,
        housingUnitId: device.housing_unit_id,
      });
    const residents = await tx.all<{ id: string }>('SELECT id FROM residents ORDER BY id');
    for (const { id } of residents) await publishResident(work, id);
    await work.changes.flush(tx);
  },
};
