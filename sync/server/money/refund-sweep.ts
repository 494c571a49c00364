import type { Logger } from 'pino';
import { periodic } from '../periodic';
import { typed } from '../storage/typed';
import type { Storage } from '../storage/types';
import type { Clock } from '../work';
import type { PaymentsPort } from './payments';
import { settleStampRefunds } from './stamp-refunds';

/**
 * The refund sweep: money captured whose booking never happened goes back to the card.
 *
 * A kiosk charges a card (POST /v1/card-payments) before it queues the deposit or purchase that
 * claims the charge. If that mutation never arrives (the kiosk lost the answer, or it was
 * refused), the charge stays `captured` and unclaimed. After a grace period (a day by default:
 * longer than a kiosk's push takes even after an outage) the sweep claims it for itself
 * (`claimed_by = refund:<charge>`, in the same guarded update that moves it to `refunding`), so a
 * late mutation can no longer book it (`payment_required`), and asks the processor to refund it
 * under the key `<payment key>:unclaimed`. A processor that cannot be reached leaves it
 * `refunding` for the next sweep; the same key never pays twice, and `refunded` is set once.
 * A refund the processor refuses for good (e.g. the charge is disputed) is `refund_failed` and
 * logged for finance. The sweep also pays pending refunds of unused customer stamps.
 */

export const REFUND_GRACE_MS = 24 * 60 * 60 * 1000;
export const REFUND_SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export interface RefundSweepOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  payments: PaymentsPort;
  /** How long an unclaimed captured charge waits for its booking before it is refunded. */
  graceMs?: number;
  /** How often the timer sweeps (ms); without it only `sweep()` runs one (tests). */
  intervalMs?: number;
}

export interface RefundSweep {
  /** One pass: the charges refunded now and those still waiting for the processor. */
  sweep(): Promise<{ refunded: string[]; waiting: string[]; failed: string[] }>;
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

export function createRefundSweep(options: RefundSweepOptions): RefundSweep {
  const { storage, clock, logger, payments } = options;
  const graceMs = options.graceMs ?? REFUND_GRACE_MS;
  const q = typed(storage);

  /** Claims the unclaimed captured charges older than the grace period, each in one update. */
  async function claimUnbooked(): Promise<void> {
    const before = new Date(clock().getTime() - graceMs).toISOString();
    const due = await q.all((db) =>
      db
        .selectFrom('card_charges')
        .select('id')
        .where('status', '=', 'captured')
        .where('claimed_by', 'is', null)
        .where('created_at', '<', before)
        .orderBy('created_at')
        .orderBy('id'),
    );
    for (const { id } of due) {
      await q.run((db) =>
        db
          .updateTable('card_charges')
          .set({ status: 'refunding', claimed_by: `refund:${id}` })
          .where('id', '=', id)
          .where('status', '=', 'captured')
          .where('claimed_by', 'is', null),
      );
    }
  }

  async function refundClaimed() {
    const result = { refunded: [] as string[], waiting: [] as string[], failed: [] as string[] };
    const claimed = await q.all((db) =>
      db
        .selectFrom('card_charges')
        .select(['id', 'payment_key', 'amount_cents', 'refunded_cents'])
        .where('status', '=', 'refunding')
        .orderBy('created_at')
        .orderBy('id'),
    );
    for (const charge of claimed) {
      const refunded = await payments.refund({
        key: `${charge.payment_key}:unclaimed`,
        chargeId: charge.id,
        amountCents: charge.amount_cents - charge.refunded_cents,
      });
      if (!refunded.ok && refunded.reason === 'unavailable') {
        result.waiting.push(charge.id);
        continue;
      }
      const now = clock().toISOString();
      if (refunded.ok) {
        await q.run((db) =>
          db
            .updateTable('card_charges')
            .set((eb) => ({
              status: 'refunded',
              refunded_cents: eb.ref('amount_cents'),
              refunded_at: now,
            }))
            .where('id', '=', charge.id)
            .where('status', '=', 'refunding'),
        );
        result.refunded.push(charge.id);
      } else {
        await q.run((db) =>
          db
            .updateTable('card_charges')
            .set({ status: 'refund_failed' })
            .where('id', '=', charge.id)
            .where('status', '=', 'refunding'),
        );
        logger.error(
          { chargeId: charge.id, reason: refunded.reason },
          'an unclaimed captured charge could not be refunded: finance must act',
        );
        result.failed.push(charge.id);
      }
    }
    return result;
  }

  async function sweepOnce() {
    await claimUnbooked();
    const result = await refundClaimed();
    await settleStampRefunds({ storage, clock, logger, payments });
    return result;
  }

  const sweeper = periodic(sweepOnce, {
    intervalMs: options.intervalMs,
    logger,
    failure: 'refund sweep failed',
  });
  return { sweep: sweeper.run, stop: sweeper.stop };
}
