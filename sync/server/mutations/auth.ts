import { recordLoginAttempt } from '../../../domain';
import { publishResident } from '../publish';
import { residentInFacility } from '../residents';
import type { Work } from '../work';
import type { AuthenticatedDevice } from '../http/device-auth';

/**
 * PIN attempts checked offline on a device are reported here, so five wrong PINs lock the
 * resident everywhere (the domain's lockout rule), and the lock flows down to every device.
 */
async function recordPinAttempt(
  work: Work,
  device: AuthenticatedDevice,
  residentId: string,
  correct: boolean,
): Promise<void> {
  const resident = await residentInFacility(
    work.tx,
    device.facilityId,
    residentId,
    work.tx.forUpdate,
  );
  const result = recordLoginAttempt(
    { failedAttempts: resident.failed_pin_attempts, lockedAt: resident.locked_at },
    correct,
    work.now,
  );
  if (result.outcome === 'locked') return;
  // A correct PIN with no failed tries on record changes nothing: no write, nothing to send down.
  if (
    result.state.failedAttempts === resident.failed_pin_attempts &&
    result.state.lockedAt === resident.locked_at
  ) {
    return;
  }
  await work.tx.run('UPDATE residents SET failed_pin_attempts = ?, locked_at = ? WHERE id = ?', [
    result.state.failedAttempts,
    result.state.lockedAt,
    residentId,
  ]);
  await publishResident(work, residentId);
}

export const pinFailed = (work: Work, device: AuthenticatedDevice, args: { residentId: string }) =>
  recordPinAttempt(work, device, args.residentId, false);

export const pinSucceeded = (
  work: Work,
  device: AuthenticatedDevice,
  args: { residentId: string },
) => recordPinAttempt(work, device, args.residentId, true);
