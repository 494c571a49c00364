import { audit } from '../audit';
import { recordChargeback } from '../chargebacks';
import { typed } from '../storage/typed';
import type { Work } from '../work';
import type { DisputeEvent } from './payments';

export type DisputeOutcome = 'chargeback_recorded' | 'duplicate' | 'unknown_charge';

/**
 * A cardholder's dispute, told by the processor's signed webhook, becomes a bank-card chargeback
 * on the deposit (or card-paid purchase) that the charge paid for, with the blocks that follow
 * (chargebacks.ts). Each event acts once, however often it is delivered. A charge we never
 * booked is acknowledged and kept for finance, so the processor stops redelivering it.
 */
export async function applyDispute(work: Work, event: DisputeEvent): Promise<DisputeOutcome> {
  await work.tx.lockKey(`processor-event:${event.eventId}`);
  const q = typed(work.tx);
  const seen = await q.first((db) =>
    db.selectFrom('processor_events').select('id').where('id', '=', event.eventId),
  );
  if (seen) return 'duplicate';
  const deposit = await q.first((db) =>
    db
      .selectFrom('deposits')
      .select(['id', 'amount_cents'])
      .where('charge_id', '=', event.chargeId),
  );
  let outcome: DisputeOutcome = 'unknown_charge';
  if (deposit) {
    // The charge also paid the fee; the chargeback is on what reached the resident.
    const amountCents = Math.min(event.amountCents, deposit.amount_cents);
    await recordChargeback(work, {
      chargebackId: event.disputeId,
      depositId: deposit.id,
      kind: 'bank_card',
      amountCents,
    });
    await audit(work, 'processor', 'chargeback.record', 'chargeback', event.disputeId, {
      chargeId: event.chargeId,
      depositId: deposit.id,
      amountCents,
      reason: event.reason,
    });
    outcome = 'chargeback_recorded';
  }
  await q.run((db) =>
    db
      .insertInto('processor_events')
      .values({ id: event.eventId, type: event.type, outcome, received_at: work.now }),
  );
  return outcome;
}
