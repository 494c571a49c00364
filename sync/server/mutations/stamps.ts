import { assessCard, bundlePrice, evaluateDeposit } from '../../../domain';
import type { KioskPayment, MutationArgs } from '../../protocol';
import { openChargebacks } from '../chargebacks';
import { cardTokenHash, recordBills } from '../deposits';
import { facilityOf } from '../facilities';
import type { AuthenticatedDevice } from '../http/device-auth';
import { credit, debit } from '../ledger';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import type { Work } from '../work';

/**
 * A payment taken at the kiosk for a purchase: recorded like a deposit (without a fee: it is a
 * purchase; bills credited at most once each; a card's token only as a hash), so chargebacks
 * and receipts find it, and credited to the resident's money for the purchase to pay from.
 */
async function takeKioskPayment(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'stamps.purchase'> & { payment: KioskPayment },
  priceCents: number,
): Promise<void> {
  const { payment } = args;
  const owner = { type: 'resident' as const, id: args.residentId };
  const cents =
    payment.kind === 'kiosk_cash'
      ? payment.bills.reduce((sum, bill) => sum + bill.cents, 0)
      : priceCents;
  if (cents < priceCents) {
    reject('insufficient_funds', `${cents} cents of cash do not pay ${priceCents} cents`);
  }
  const card = payment.kind === 'kiosk_card' ? payment.card : null;
  if (card) {
    const assessed = assessCard(card);
    if (!assessed.ok) reject('invalid_args', assessed.error.message);
    const customerId = `card:${cardTokenHash(card)}`;
    const decision = evaluateDeposit(await openChargebacks(work.tx, customerId, args.residentId), {
      customerId,
      residentId: args.residentId,
      channel: 'kiosk_card',
    });
    if (!decision.allowed) reject('blocked', 'this card or resident is blocked from card payments');
  }
  await work.tx.run(
    `INSERT INTO deposits (id, resident_id, customer_id, channel, amount_cents, fee_cents, card_brand,
       card_last4, card_expiry, card_token_hash, reference, created_at)
     VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)`,
    [
      args.purchaseId,
      args.residentId,
      card ? `card:${cardTokenHash(card)}` : `kiosk:${device.id}`,
      payment.kind,
      cents,
      card?.brand ?? null,
      card?.last4 ?? null,
      card ? `${card.expMonth}/${card.expYear}` : null,
      card ? cardTokenHash(card) : null,
      `stamps.purchase ${args.purchaseId}`,
      work.now,
    ],
  );
  await recordBills(work, args.purchaseId, payment.kind === 'kiosk_cash' ? payment.bills : []);
  await credit(work, {
    owner,
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
