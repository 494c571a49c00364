import type { AuthenticatedDevice } from './http/device-auth';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';

/**
 * Which residents a device may act for (push) and read (pull, attachments). Residents that do
 * not exist, live in another facility, or lie outside the device's reach are refused alike, so
 * ids leak nothing.
 */

interface ResidentReach {
  facility_id: string;
  housing_unit_id: string | null;
  tablet_serial: string | null;
  released_at: string | null;
}

const reachOf = (queryable: Queryable, residentId: string): Promise<ResidentReach | undefined> =>
  typed(queryable).first((db) =>
    db
      .selectFrom('residents')
      .select(['facility_id', 'housing_unit_id', 'tablet_serial', 'released_at'])
      .where('id', '=', residentId),
  );

async function isTabletOf(
  queryable: Queryable,
  device: AuthenticatedDevice,
  resident: ResidentReach,
) {
  const tablet = await typed(queryable).first((db) =>
    db.selectFrom('device_serials').select('serial').where('device_id', '=', device.id),
  );
  return tablet !== undefined && tablet.serial === resident.tablet_serial;
}

/**
 * Push: a kiosk or lobby kiosk may act for any resident of its facility (a mutation queued on a
 * kiosk just before its resident moved to another unit must still land; a lobby kiosk deposits
 * to anyone); a tablet only for the resident assigned to the serial it enrolled with.
 */
export async function mayActFor(
  db: Queryable,
  device: AuthenticatedDevice,
  residentId: string,
): Promise<boolean> {
  const resident = await reachOf(db, residentId);
  if (resident?.facility_id !== device.facilityId) return false;
  if (device.profile !== 'tablet') return true;
  return isTabletOf(db, device, resident);
}

/**
 * Pull and attachment reads (least data): a housing-unit kiosk reads the residents of its unit,
 * a tablet its assigned resident, a lobby kiosk nobody; a released resident is read by none.
 */
export async function mayReadResident(
  db: Queryable,
  device: AuthenticatedDevice,
  residentId: string,
): Promise<boolean> {
  if (device.profile === 'lobby') return false;
  const resident = await reachOf(db, residentId);
  if (resident?.facility_id !== device.facilityId || resident.released_at !== null) return false;
  if (device.profile === 'kiosk')
    return device.housingUnitId !== null && resident.housing_unit_id === device.housingUnitId;
  return isTabletOf(db, device, resident);
}
