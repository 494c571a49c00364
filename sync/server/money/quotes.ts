import { assessCard, depositChannelsFor, depositFee, evaluateDeposit } from '../../../domain';
import type { z } from 'zod';
import type { CustomerQuoteRequestSchema, CustomerQuoteResponse } from '../../protocol';
import { openChargebacks } from '../chargebacks';
import { requireContact } from '../customers';
import { reject } from '../rejection';
import { typed } from '../storage/typed';
import type { Work } from '../work';
import { cardOfToken, requirePayments, type MoneyContext } from './card-charges';
import type { ProcessorCard } from './payments';

/**
 * What a customer's deposit would cost, from the same domain rules the booking uses (so the
 * quoted fee is the one the deposit is checked against): the fee and total, the block decision
 * with the channels still possible, and the card's warning when a token is given (the processor
 * says what kind of card it is, not the caller); the resident's agency with the customer's
 * stamps kept for it; and when the money is credited (a mailed money order: when it arrives).
 */
export async function quoteCustomerDeposit(
  work: Work,
  customerId: string,
  input: z.infer<typeof CustomerQuoteRequestSchema>,
  card: ProcessorCard | null,
): Promise<CustomerQuoteResponse> {
  const facility = await requireContact(work, customerId, input.residentId);
  const fee = depositFee(facility, input.channel, input.amountCents);
  if (!fee.ok) {
    reject(
      fee.error.code === 'money_not_offered' ? 'feature_not_offered' : 'amount_out_of_range',
      fee.error.message,
    );
  }
  let cardWarning: CustomerQuoteResponse['cardWarning'] = null;
  if (card) {
    const assessed = assessCard(card);
    if (!assessed.ok) reject('invalid_args', assessed.error.message);
    cardWarning = assessed.value.warning;
  }
  const decision = evaluateDeposit(await openChargebacks(work.tx, customerId, input.residentId), {
    customerId,
    residentId: input.residentId,
    channel: input.channel,
  });
  const open = depositChannelsFor(facility, input.amountCents);
  const stamps = await typed(work.tx).first((db) =>
    db
      .selectFrom('customer_stamps')
      .select('stamps')
      .where('customer_id', '=', customerId)
      .where('agency', '=', facility.state),
  );
  return {
    amountCents: input.amountCents,
    feeCents: fee.value.feeCents,
    totalCents: fee.value.totalCents,
    allowed: decision.allowed,
    blockReasons: decision.reasons.map((reason) => reason.code),
    stillPossible: decision.allowedChannels.filter((channel) => open.includes(channel)),
    cardWarning,
    agency: facility.state,
    agencyStamps: Number(stamps?.stamps ?? 0),
    credited: input.channel === 'bank_card' ? 'on_capture' : 'when_entered_on_arrival',
  };
}

/** The processor's view of the quoted card, looked up before any transaction opens. */
export async function quotedCard(
  context: MoneyContext,
  token: string | undefined,
): Promise<ProcessorCard | null> {
  return token === undefined ? null : cardOfToken(requirePayments(context), token);
}
