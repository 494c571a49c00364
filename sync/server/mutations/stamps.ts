import { bundlePrice } from '../../../domain';
import type { MutationArgs } from '../../protocol';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { credit, debit } from '../ledger';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import type { Work } from '../work';

/**
 * stamps.purchase: a bundle bought from the resident's spendable money at the price after the
 * best running promotion (domain bundlePrice, at the server's clock). If the device showed a
 * different price, the purchase is refused rather than charging what the resident did not see.
 */
export async function stampsPurchase(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'stamps.purchase'>,
): Promise<void> {
  const resident = await residentInFacility(work.tx, device.facilityId, args.residentId);
  const facility = await facilityOf(work, device.facilityId);
  const quote = bundlePrice(facility, args.bundleId, work.now);
  if (!quote.ok) reject('not_found', quote.error.message);
  const price = quote.value.priceCents;
  if (args.expectedPriceCents !== undefined && args.expectedPriceCents !== price) {
    reject('price_changed', `the bundle now costs ${price} cents, not ${args.expectedPriceCents}`);
  }
  const owner = { type: 'resident' as const, id: resident.id };
  await debit(work, {
    owner,
    account: 'money',
    amount: price,
    kind: 'stamp_purchase',
    reference: args.purchaseId,
  });
  await credit(work, {
    owner,
    account: 'stamps',
    amount: quote.value.bundle.stamps,
    kind: 'stamp_purchase',
    reference: args.purchaseId,
  });
}
