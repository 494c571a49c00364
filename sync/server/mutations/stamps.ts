import { bundlePrice } from '../../../domain';
import type { KioskPayment, MutationArgs } from '../../protocol';
import { cardPayer, insertDepositRecord, recordBills } from '../deposits';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { credit, debit } from '../ledger';
import { claimKioskCharge } from '../money/card-charges';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import type { Work } from '../work';

/**
 * A payment taken at the kiosk for a purchase: recorded like a deposit (without a fee: it is a
 * purchase; bills credited at most once each; a card as the captured charge the kiosk made
 * through POST /v1/card-payments, claimed once, for exactly the price), so chargebacks and
 * receipts find it, and credited to the resident's money for the purchase to pay from.
 */
async function takeKioskPayment(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'stamps.purchase'> & { payment: KioskPayment },
  priceCents: number,
): Promise<void> {
  const { payment } = args;
  const charge =
    payment.kind === 'kiosk_card'
      ? await claimKioskCharge(work, {
          chargeId: payment.chargeId,
          deviceId: device.id,
          residentId: args.residentId,
          by: args.purchaseId,
        })
      : undefined;
  const cents = charge
    ? charge.amountCents
    : payment.kind === 'kiosk_cash'
      ? payment.bills.reduce((sum, bill) => sum + bill.cents, 0)
      : 0;
  if (charge && cents !== priceCents) {
    reject('payment_required', `the charge was ${cents} cents, not the price ${priceCents}`);
  }
  if (cents < priceCents) {
    reject('insufficient_funds', `${cents} cents of cash do not pay ${priceCents} cents`);
  }
  await insertDepositRecord(work, {
    id: args.purchaseId,
    residentId: args.residentId,
    payer: charge ? cardPayer(charge.card) : `kiosk:${device.id}`,
    channel: payment.kind,
    amountCents: cents,
    feeCents: 0,
    card: charge?.card,
    charge,
    reference: `stamps.purchase ${args.purchaseId}`,
  });
  await recordBills(work, args.purchaseId, payment.kind === 'kiosk_cash' ? payment.bills : []);
  await credit(work, {
    owner: { type: 'resident', id: args.residentId },
    account: 'money',
    amount: cents,
    kind: 'deposit',
    reference: args.purchaseId,
  });
}

/**
 * stamps.purchase: a bundle bought from the resident's spendable money at the price after the
 * best running promotion (domain bundlePrice, at the server's clock). If the device showed a
 * different price, the purchase is refused rather than charging what the resident did not see.
 * Paid at the kiosk (`payment`), the cash or card lands on the account first, in the same step,
 * and the price the kiosk showed and took stands.
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
  // Paid at the kiosk, the money is already in the cassette or charged at the price shown:
  // refusing over a price change would strand it, so that price stands.
  const paidPrice = args.payment ? args.expectedPriceCents : undefined;
  const price = paidPrice ?? quote.value.priceCents;
  if (args.expectedPriceCents !== undefined && args.expectedPriceCents !== price) {
    reject('price_changed', `the bundle now costs ${price} cents, not ${args.expectedPriceCents}`);
  }
  const owner = { type: 'resident' as const, id: resident.id };
  if (args.payment) await takeKioskPayment(work, device, { ...args, payment: args.payment }, price);
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
