import type { z } from 'zod';
import type { FinanceDepositRequestSchema } from '../../protocol';
import { auditStaff } from '../audit';
import { makeDeposit } from '../deposits';
import { loadFacility } from '../facilities';
import { requireFacility, type StaffActor } from '../http/access-control';
import { reject } from '../rejection';
import { typed } from '../storage/typed';
import type { Work } from '../work';

/**
 * A money order or MoneyGram transfer that has arrived, entered by finance staff of the
 * resident's facility: booked with the facility's fee, its reference kept, a money order first
 * settling the sender's outstanding chargebacks, and audited with who entered it.
 */
export async function enterPaperDeposit(
  work: Work,
  staff: StaffActor,
  input: z.infer<typeof FinanceDepositRequestSchema>,
) {
  const resident = await typed(work.tx).first((db) =>
    db.selectFrom('residents').select('facility_id').where('id', '=', input.residentId),
  );
  if (!resident) reject('not_found', `no resident ${input.residentId}`);
  requireFacility(staff, resident.facility_id, `resident ${input.residentId}`);
  const facility = await loadFacility(work.tx, resident.facility_id);
  const deposit = await makeDeposit(work, facility, {
    depositId: input.depositId,
    residentId: input.residentId,
    customerId: input.customerId ?? `${input.channel}:${input.reference}`,
    channel: input.channel,
    amountCents: input.amountCents,
    reference: input.reference,
  });
  await auditStaff(
    work,
    staff,
    'deposit.enter',
    { type: 'deposit', id: input.depositId, facilityId: resident.facility_id },
    { before: null, after: deposit },
  );
  return deposit;
}
