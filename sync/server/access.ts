import type { AuthenticatedDevice } from './http/device-auth';
import type { Queryable } from './storage/types';

/**
 * Whether a device may act for a resident (push) — the same rule pull uses to decide whether it
 * may read the resident's scope, save that a lobby kiosk may act (deposit to a resident of its
 * facility) but never read. A kiosk or lobby kiosk: any resident of its facility; a tablet: only
 * the resident assigned to the serial it enrolled with (none without a serial). A resident that
 * does not exist, or lives in another facility, is refused alike, so ids leak nothing.
 */
export async function mayActFor(
  db: Queryable,
  device: AuthenticatedDevice,
  residentId: string,
): Promise<boolean> {
  const resident = await db.get<{ facility_id: string; tablet_serial: string | null }>(
    'SELECT facility_id, tablet_serial FROM residents WHERE id = ?',
    [residentId],
  );
  if (resident?.facility_id !== device.facilityId) return false;
  if (device.profile !== 'tablet') return true;
  const tablet = await db.get<{ serial: string }>(
    'SELECT serial FROM device_serials WHERE device_id = ?',
    [device.id],
  );
  return tablet !== undefined && tablet.serial === resident.tablet_serial;
}
