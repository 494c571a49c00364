import { audit } from '../audit';
import { recordChargeback } from '../chargebacks';
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
  if (await work.tx.get('SELECT 1 AS yes FROM processor_events WHERE id = ?', [event.eventId])) {
    return 'duplicate';
  }
  const deposit = await work.tx.get<{ id: string; amount_cents: number }>(
    'SELECT id, amount_cents FROM deposits WHERE charge_id = ?',
    [event.chargeId],
  );
  let outcome: DisputeOutcome = 'unknown_charge';
  if (deposit) {
    // The charge also paid the fee; the chargeback is on what reached the resident.
    const amountCents = Math.min(event.amountCents, Number(deposit.amount_cents));
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
  await work.tx.run(
    'INSERT INTO processor_events (id, type, outcome, received_at) VALUES (?, ?, ?, ?)',
    [event.eventId, event.type, outcome, work.now],
  );
  return outcome;
}
