import {
  applyMoneyOrder,
  assessCard,
  depositFee,
  evaluateDeposit,
  type DepositChannel,
  type FacilityConfig,
} from '../../domain';
import type { DepositResponse } from '../protocol';
import { openChargebacks, recoverChargeback } from './chargebacks';
import { audit } from './audit';
import { credit, debit } from './ledger';
import type { CapturedCharge } from './money/payments';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Work } from './work';

/**
 * Deposits to a resident's spendable account, from every channel. The domain decides fees,
 * card acceptance, chargeback blocks and money-order settlement; this books the result. Card
 * deposits are booked only with a charge the processor captured (money/card-charges.ts); we keep
 * the charge id, brand, last four, expiry and the processor's card fingerprint, never a number.
 */

export interface DepositInput {
  depositId: string;
  residentId: string;
  /** The paying customer; at a lobby kiosk, derived from the card or the cash session. */
  customerId: string;
  channel: DepositChannel;
  amountCents: number;
  /** Card channels: the captured charge (amount + fee); absent only in the pre-charge dry run. */
  charge?: CapturedCharge;
  /** Card channels: the card as the processor describes it. */
  card?: CapturedCharge['card'];
  reference?: string;
  bills?: { billId: string; cents: number }[];
  expectedFeeCents?: number;
  /**
   * Kiosk cash: the fee the kiosk quoted, took and printed. It stands even if the facility's
   * fee or range changed before the deposit synced: the cash is already in the cassette.
   */
  acceptedFeeCents?: number;
}

/** The fee to book: the one the kiosk took for cash, else the facility's (refused if it moved). */
async function settleFee(
  work: Work,
  facility: FacilityConfig,
  input: DepositInput,
): Promise<number> {
  const quote = depositFee(facility, input.channel, input.amountCents);
  if (input.acceptedFeeCents !== undefined) {
    const current = quote.ok ? quote.value.feeCents : null;
    if (current !== input.acceptedFeeCents) {
      await audit(work, 'service', 'deposit.kiosk_quote_stands', 'deposit', input.depositId, {
        acceptedFeeCents: input.acceptedFeeCents,
        currentFeeCents: current,
      });
    }
    return input.acceptedFeeCents;
  }
  if (!quote.ok) {
    reject(
      quote.error.code === 'money_not_offered' ? 'feature_not_offered' : 'amount_out_of_range',
      quote.error.message,
    );
  }
  const feeCents = quote.value.feeCents;
  if (input.expectedFeeCents !== undefined && input.expectedFeeCents !== feeCents) {
    reject('fee_changed', `the fee is now ${feeCents} cents, not ${input.expectedFeeCents}`);
  }
  return feeCents;
}

/** Who pays by card, for chargeback blocks: the processor's fingerprint, the same at every kiosk. */
export function cardPayer(card: { fingerprint: string }): string {
  return `card:${card.fingerprint}`;
}

/**
 * The record of money that came in (a deposit, or a payment taken for a purchase), which
 * chargebacks, receipts and reports read. A card is kept as the processor describes it.
 */
export async function insertDepositRecord(
  work: Work,
  row: {
    id: string;
    residentId: string;
    payer: string;
    channel: string;
    amountCents: number;
    feeCents: number;
    card?: CapturedCharge['card'];
    charge?: CapturedCharge;
    reference: string | null;
  },
): Promise<void> {
  await typed(work.tx).run((db) =>
    db.insertInto('deposits').values({
      id: row.id,
      resident_id: row.residentId,
      customer_id: row.payer,
      channel: row.channel,
      amount_cents: row.amountCents,
      fee_cents: row.feeCents,
      card_brand: row.card?.brand ?? null,
      card_last4: row.card?.last4 ?? null,
      card_expiry: row.card ? `${row.card.expMonth}/${row.card.expYear}` : null,
      card_token_hash: row.card?.fingerprint ?? null,
      reference: row.reference,
      charge_id: row.charge?.chargeId ?? null,
      created_at: work.now,
    }),
  );
}

/** Records accepted bills against a deposit; a bill id already credited refuses the whole step. */
export async function recordBills(
  work: Work,
  depositId: string,
  bills: readonly { billId: string; cents: number }[],
): Promise<void> {
  const q = typed(work.tx);
  for (const bill of bills) {
    const credited = await q.first((db) =>
      db.selectFrom('bills').select('bill_id').where('bill_id', '=', bill.billId),
    );
    if (credited) reject('bill_already_credited', `bill ${bill.billId} was already credited`);
    await q.run((db) =>
      db
        .insertInto('bills')
        .values({ bill_id: bill.billId, deposit_id: depositId, cents: bill.cents }),
    );
  }
}

export async function makeDeposit(
  work: Work,
  facility: FacilityConfig,
  input: DepositInput,
): Promise<DepositResponse> {
  const existing = await typed(work.tx).first((db) =>
    db.selectFrom('deposits').select('id').where('id', '=', input.depositId),
  );
  if (existing) reject('conflict', `deposit ${input.depositId} already exists`);
  if (input.card) {
    const assessed = assessCard(input.card);
    if (!assessed.ok) reject('invalid_args', assessed.error.message);
  }
  const chargebacks = await openChargebacks(work.tx, input.customerId, input.residentId);
  const decision = evaluateDeposit(chargebacks, {
    customerId: input.customerId,
    residentId: input.residentId,
    channel: input.channel,
  });
  if (!decision.allowed) {
    reject(
      'blocked',
      `blocked: ${decision.reasons.map((r) => r.code).join(', ')}; still possible: ${decision.allowedChannels.join(', ')}`,
    );
  }
  const feeCents = await settleFee(work, facility, input);
  // A card pays amount and fee together; the charge must be exactly that.
  if (input.charge && input.charge.amountCents !== input.amountCents + feeCents) {
    reject(
      'payment_required',
      `the charge was ${input.charge.amountCents} cents, not ${input.amountCents + feeCents}`,
    );
  }

  let settled = 0;
  let credited = input.amountCents;
  if (input.channel === 'money_order') {
    const applied = applyMoneyOrder(chargebacks, {
      customerId: input.customerId,
      residentId: input.residentId,
      amountCents: input.amountCents,
    });
    if (!applied.ok) reject('invalid_args', applied.error.message);
    for (const settlement of applied.value.settlements) {
      await recoverChargeback(work, settlement.chargebackId, settlement.appliedCents);
      settled += settlement.appliedCents;
    }
    credited = applied.value.creditedCents;
  }

  await insertDepositRecord(work, {
    id: input.depositId,
    residentId: input.residentId,
    payer: input.customerId,
    channel: input.channel,
    amountCents: input.amountCents,
    feeCents,
    card: input.card,
    charge: input.charge,
    reference: input.reference ?? null,
  });
  await recordBills(work, input.depositId, input.bills ?? []);

  const owner = { type: 'resident' as const, id: input.residentId };
  // Cash has no card to charge the fee to: all the cash taken lands, and the fee is paid from it.
  const feeFromCash = input.channel === 'kiosk_cash' ? feeCents : 0;
  if (credited + feeFromCash > 0) {
    await credit(work, {
      owner,
      account: 'money',
      amount: credited + feeFromCash,
      kind: 'deposit',
      reference: input.depositId,
    });
  }
  if (feeFromCash > 0) {
    await debit(work, {
      owner,
      account: 'money',
      amount: feeFromCash,
      kind: 'deposit_fee',
      reference: input.depositId,
    });
  }
  return {
    depositId: input.depositId,
    channel: input.channel,
    amountCents: input.amountCents,
    feeCents,
    settledChargebackCents: settled,
    creditedCents: credited,
  };
}
