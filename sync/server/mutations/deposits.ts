import type { MutationArgs } from '../../protocol';
import { cardPayer, makeDeposit } from '../deposits';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { claimKioskCharge } from '../money/card-charges';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import type { Work } from '../work';

/**
 * deposit.create from a lobby kiosk. Cash carries the amount and the fee the kiosk quoted, took
 * and printed, which are booked as they are; its bills (each bill id credited at most once, ever)
 * must add up to exactly amount plus fee. A card deposit claims the charge the kiosk made through POST /v1/card-payments (captured
 * before the mutation was queued) for exactly amount plus fee; its payer is the card's processor
 * fingerprint, so a card with a chargeback stays blocked at every kiosk.
 */
export async function depositCreate(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'deposit.create'>,
): Promise<void> {
  await residentInFacility(work.tx, device.facilityId, args.residentId);
  const facility = await facilityOf(work, device.facilityId);
  if (args.channel === 'kiosk_cash') {
    const taken = args.bills.reduce((sum, bill) => sum + bill.cents, 0);
    if (taken !== args.amountCents + args.feeCents) {
      reject(
        'invalid_args',
        `the bills (${taken} cents) are not the amount plus fee (${args.amountCents + args.feeCents})`,
      );
    }
    await makeDeposit(work, facility, {
      depositId: args.depositId,
      residentId: args.residentId,
      customerId: `kiosk:${device.id}`,
      channel: 'kiosk_cash',
      amountCents: args.amountCents,
      acceptedFeeCents: args.feeCents,
      bills: args.bills,
    });
    return;
  }
  const charge = await claimKioskCharge(work, {
    chargeId: args.chargeId,
    deviceId: device.id,
    residentId: args.residentId,
    by: args.depositId,
  });
  await makeDeposit(work, facility, {
    depositId: args.depositId,
    residentId: args.residentId,
    customerId: cardPayer(charge.card),
    channel: 'kiosk_card',
    amountCents: args.amountCents,
    card: charge.card,
    charge,
    expectedFeeCents: args.expectedFeeCents,
  });
}
