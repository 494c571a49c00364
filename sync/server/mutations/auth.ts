import { recordLoginAttempt } from '../../../domain';
import { publishResident } from '../publish';
import { reject } from '../rejection';
import type { AuthenticatedDevice } from '../http/device-auth';
import { prepared, typed } from '../storage/typed';
import type { Work } from '../work';

/** The resident's PIN state, locked until commit: two reports at once count one after the other. */
const lockedPinState = prepared((db, p: { resident: string }, { lockRows }) =>
  db
    .selectFrom('residents')
    .select(['facility_id', 'failed_pin_attempts', 'locked_at'])
    .where('id', '=', p.resident)
    .$call(lockRows),
);

const setPinState = prepared(
  (db, p: { resident: string; failedAttempts: number; lockedAt: string | null }) =>
    db
      .updateTable('residents')
      .set({ failed_pin_attempts: p.failedAttempts, locked_at: p.lockedAt })
      .where('id', '=', p.resident),
);

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
  const q = typed(work.tx);
  const resident = await q.first(lockedPinState, { resident: residentId });
  // As residentInFacility: a resident of another facility does not exist here.
  if (resident?.facility_id !== device.facilityId) {
    reject('not_found', `no resident ${residentId} here`);
  }
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
  await q.run(setPinState, {
    resident: residentId,
    failedAttempts: result.state.failedAttempts,
    lockedAt: result.state.lockedAt,
  });
  await publishResident(work, residentId);
}

export const pinFailed = (work: Work, device: AuthenticatedDevice, args: { residentId: string }) =>
  recordPinAttempt(work, device, args.residentId, false);

export const pinSucceeded = (
  work: Work,
  device: AuthenticatedDevice,
  args: { residentId: string },
) => recordPinAttempt(work, device, args.residentId, true);
