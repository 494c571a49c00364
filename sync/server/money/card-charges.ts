import type { Logger } from 'pino';
import { CARD_FUNDING } from '../../../domain';
import { ChangeBuffer } from '../changes';
import { HttpError } from '../http/errors';
import { idempotent, rejectionAnswer, storedAnswer, type StoredAnswer } from '../idempotency';
import { reject, Rejection } from '../rejection';
import { typed } from '../storage/typed';
import type { Storage } from '../storage/types';
import { inWork, type Clock, type Work } from '../work';
import type { CapturedCharge, PaymentFailure, PaymentsPort, ProcessorCard } from './payments';

/**
 * Charging a card and booking what it paid for, without ever booking money that was not
 * captured nor keeping money that was not booked:
 * 1. a stored answer for the idempotency key is returned as it is (a retry charges nothing);
 *    the key's lock is held through step 2;
 * 2. the booking runs once as a dry run (rolled back) so a refusal (blocked, over the maximum,
 *    fee changed) is answered before any card is touched, and to learn the amount;
 * 3. the processor authorizes and captures, keyed by the same idempotency key, outside any
 *    database transaction (a slow processor holds no lock);
 * 4. the booking runs for real with the captured charge, its answer stored under the key;
 * 5. if that booking is refused after all (a block opened in between), the charge is refunded.
 */

export interface MoneyContext {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  payments: PaymentsPort | null;
}

/** During the dry run there is no charge yet; the real run always has one. */
export type ChargeState = { dryRun: true } | { dryRun: false; charge: CapturedCharge };

class DryRunDone<T> extends Error {
  constructor(readonly value: T) {
    super('dry run');
  }
}

/** Runs `fn` in a transaction that is always rolled back; a refusal comes back as its answer. */
async function dryRun<T>(
  context: MoneyContext,
  fn: (work: Work) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; answer: StoredAnswer }> {
  try {
    await context.storage.transaction(async (tx) => {
      const now = context.clock().toISOString();
      const value = await fn({ tx, changes: new ChangeBuffer(), now, memo: new Map() });
      throw new DryRunDone(value);
    });
  } catch (error) {
    if (error instanceof DryRunDone) return { ok: true, value: error.value as T };
    if (error instanceof Rejection) return { ok: false, answer: rejectionAnswer(error) };
    throw error;
  }
  throw new Error('unreachable: a dry run always throws');
}

export function requirePayments(context: MoneyContext): PaymentsPort {
  if (!context.payments) {
    throw new HttpError(503, 'processor_unavailable', 'card payments are not configured');
  }
  return context.payments;
}

/** The typed HTTP answer to a processor that would not take the money (nothing was booked). */
function paymentFailure(failure: PaymentFailure): HttpError {
  if (failure.reason === 'declined') {
    return new HttpError(402, 'card_declined', 'the card was declined', {
      declineCode: failure.code,
    });
  }
  if (failure.reason === 'invalid_token') {
    return new HttpError(422, 'card_token_invalid', 'the card token is unknown or already used', {
      declineCode: failure.code,
    });
  }
  return new HttpError(503, 'processor_unavailable', 'the card processor cannot be reached now');
}

/** The processor's view of a token: the card details we trust (not the caller's). */
export async function cardOfToken(payments: PaymentsPort, token: string): Promise<ProcessorCard> {
  const looked = await payments.lookupToken(token);
  if (!looked.ok) throw paymentFailure(looked);
  // A used token is not refused here: a retry after a crash between capture and booking reuses
  // it under the same idempotency key, and the processor answers with that same charge.
  return looked.card;
}

export interface CardBooking<T> {
  key: string;
  actor: string;
  params: unknown;
  token: string;
  reference: string;
  /** Books the purchase; in the dry run it must refuse exactly as the real run would. */
  book(work: Work, card: ProcessorCard, state: ChargeState): Promise<T>;
  /** How much to charge, from the dry run's answer. */
  amountOf(answer: T): number;
}

export async function chargeThenBook<T>(
  context: MoneyContext,
  booking: CardBooking<T>,
): Promise<StoredAnswer> {
  const payments = requirePayments(context);
  const card = await cardOfToken(payments, booking.token);
  // The key's lock is held through the dry run, so a concurrent request with the same key waits
  // for the first one's booking to commit and then finds its stored answer.
  const rehearsal = await dryRun<{ earlier: StoredAnswer } | { value: T }>(
    context,
    async (work) => {
      const earlier = await storedAnswer(work, booking.key, booking.actor, booking.params);
      return earlier ? { earlier } : { value: await booking.book(work, card, { dryRun: true }) };
    },
  );
  if (!rehearsal.ok) return rehearsal.answer;
  if ('earlier' in rehearsal.value) return rehearsal.value.earlier;
  const charged = await payments.charge({
    key: booking.key,
    token: booking.token,
    amountCents: booking.amountOf(rehearsal.value.value),
    reference: booking.reference,
  });
  if (!charged.ok) throw paymentFailure(charged);
  const answer = await inWork(context.storage, context.clock, (work) =>
    idempotent(work, booking.key, booking.actor, booking.params, 201, () =>
      booking.book(work, charged.charge.card, { dryRun: false, charge: charged.charge }),
    ),
  );
  if (answer.status >= 400) await refundUnbooked(context, payments, charged.charge, booking.key);
  return answer;
}

/** A captured charge whose booking was refused: the money goes back, and the refund is kept. */
async function refundUnbooked(
  context: MoneyContext,
  payments: PaymentsPort,
  charge: CapturedCharge,
  key: string,
): Promise<void> {
  const refunded = await payments.refund({
    key: `${key}:unbooked`,
    chargeId: charge.chargeId,
    amountCents: charge.amountCents,
  });
  if (!refunded.ok) {
    // Stays visible to finance: a charge with no booking (card_charges has no row for it).
    context.logger.error(
      { chargeId: charge.chargeId, reason: refunded.reason },
      'a captured charge whose booking was refused could not be refunded',
    );
  }
}

/** Keeps a captured charge: who paid, for which resident, the card's public details only. */
export async function recordCharge(
  work: Work,
  input: {
    charge: CapturedCharge;
    paymentKey: string;
    payer: string;
    residentId: string;
    claimedBy: string | null;
  },
): Promise<void> {
  const { charge } = input;
  await typed(work.tx).run((db) =>
    db.insertInto('card_charges').values({
      id: charge.chargeId,
      payment_key: input.paymentKey,
      payer: input.payer,
      resident_id: input.residentId,
      amount_cents: charge.amountCents,
      card_brand: charge.card.brand,
      card_last4: charge.card.last4,
      card_exp_month: charge.card.expMonth,
      card_exp_year: charge.card.expYear,
      card_funding: charge.card.funding,
      card_fingerprint: charge.card.fingerprint,
      status: input.claimedBy ? 'booked' : 'captured',
      claimed_by: input.claimedBy,
      created_at: work.now,
    }),
  );
}

/** The stored funding, checked against the kinds the domain knows (only recordCharge writes it). */
function fundingOf(stored: string): ProcessorCard['funding'] {
  const funding = CARD_FUNDING.find((known) => known === stored);
  if (!funding) throw new Error(`a card charge has an unknown funding ${stored}`);
  return funding;
}

/**
 * A kiosk mutation paid by card names the charge the kiosk made through the service before it
 * queued the mutation. The charge must be this device's, for this resident, and not claimed by
 * another purchase; it is claimed in the same savepoint as the booking, which checks the amount.
 */
export async function claimKioskCharge(
  work: Work,
  input: { chargeId: string; deviceId: string; residentId: string; by: string },
): Promise<CapturedCharge> {
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db.selectFrom('card_charges').selectAll().where('id', '=', input.chargeId).$call(q.lockRows),
  );
  if (!row || row.payer !== `device:${input.deviceId}`) {
    reject('payment_required', `no card charge ${input.chargeId} made by this kiosk`);
  }
  if (row.claimed_by !== null && row.claimed_by !== input.by) {
    reject('payment_required', `charge ${input.chargeId} already paid for ${row.claimed_by}`);
  }
  if (row.resident_id !== input.residentId) {
    reject('payment_required', `charge ${input.chargeId} was for another resident`);
  }
  await q.run((db) =>
    db
      .updateTable('card_charges')
      .set({ claimed_by: input.by, status: 'booked' })
      .where('id', '=', input.chargeId),
  );
  return {
    chargeId: input.chargeId,
    amountCents: row.amount_cents,
    card: {
      brand: row.card_brand,
      last4: row.card_last4,
      expMonth: row.card_exp_month,
      expYear: row.card_exp_year,
      funding: fundingOf(row.card_funding),
      fingerprint: row.card_fingerprint,
    },
  };
}
