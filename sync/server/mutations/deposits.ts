import type { MutationArgs } from '../../protocol';
import { cardTokenHash, makeDeposit } from '../deposits';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { residentInFacility } from '../residents';
import type { Work } from '../work';

/**
 * deposit.create from a lobby kiosk. Cash is credited bill by bill (each bill id at most once,
 * ever); a kiosk card deposit identifies its payer by the card token's hash, so a card with a
 * chargeback stays blocked at every kiosk.
 */
export async function depositCreate(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'deposit.create'>,
): Promise<void> {
  await residentInFacility(work.tx, device.facilityId, args.residentId);
  const facility = await facilityOf(work, device.facilityId);
  if (args.channel === 'kiosk_cash') {
    await makeDeposit(work, facility, {
      depositId: args.depositId,
      residentId: args.residentId,
      customerId: `kiosk:${device.id}`,
      channel: 'kiosk_cash',
      amountCents: args.bills.reduce((sum, bill) => sum + bill.cents, 0),
      bills: args.bills,
    });
    return;
  }
  await makeDeposit(work, facility, {
    depositId: args.depositId,
    residentId: args.residentId,
    customerId: `card:${cardTokenHash(args.card)}`,
    channel: 'kiosk_card',
    amountCents: args.amountCents,
    card: args.card,
    expectedFeeCents: args.expectedFeeCents,
  });
}
