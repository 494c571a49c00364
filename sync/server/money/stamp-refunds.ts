import type { Selectable } from 'kysely';
import { StampRefundResponseSchema } from '../../protocol';
import type { CapturedCharge } from './payments';
import { debit, credit } from '../ledger';
import { reject } from '../rejection';
import type { CentralDatabase } from '../storage/schema';
import { typed } from '../storage/typed';
import type { Work } from '../work';
import { inWork } from '../work';
import { requirePayments, type MoneyContext } from './card-charges';

/**
 * A customer's unused stamps of one agency go back to the card payments they came from.
 *
 * Each card purchase of stamps is a lot (`customer_stamp_lots`: agency, stamps, price, charge).
 * Stamps are alike once bought, so a refund takes the newest lots first, up to the unused
 * balance of that agency, and pays back each lot's share of its price: the cents of the stamps
 * refunded so far, rounded down, minus those refunded before, so a lot refunded whole gives
 * back exactly its price.
 *
 * Book, then pay back: the stamps leave the balance and the lots in one transaction with a
 * `pending` row per lot (`stamp_refunds`); then the processor refunds each, keyed
 * `stamp-refund:<refundId>:<purchaseId>` so a retry never pays twice. A processor that cannot
 * be reached leaves the row pending: a retry of the same request, or the refund sweep, pays it
 * later. A refund the processor refuses for good gives the stamps back (`failed`).
 */

export interface StampRefundRequest {
  refundId: string;
  agency: string;
  /** How many; all the unused stamps of the agency when absent. */
  stamps?: number;
}

export interface StampRefundLine {
  purchaseId: string;
  chargeId: string;
  stamps: number;
  cents: number;
  status: 'pending' | 'refunded' | 'failed';
}

/** A card purchase of stamps, kept so unused stamps can go back to the charge that paid. */
export async function recordStampLot(
  work: Work,
  lot: {
    purchaseId: string;
    customerId: string;
    agency: string;
    stamps: number;
    charge: CapturedCharge;
  },
): Promise<void> {
  await typed(work.tx).run((db) =>
    db.insertInto('customer_stamp_lots').values({
      purchase_id: lot.purchaseId,
      customer_id: lot.customerId,
      agency: lot.agency,
      stamps: lot.stamps,
      price_cents: lot.charge.amountCents,
      charge_id: lot.charge.chargeId,
      created_at: work.now,
    }),
  );
}

type LotRow = Selectable<CentralDatabase['customer_stamp_lots']>;

const centsUpTo = (lot: LotRow, stamps: number) =>
  Math.floor((lot.price_cents * stamps) / lot.stamps);

/** Takes the stamps off the agency's balance and the lots; the processor refunds come next. */
export async function bookStampRefund(
  work: Work,
  customerId: string,
  request: StampRefundRequest,
): Promise<{ refundId: string }> {
  const q = typed(work.tx);
  const balance = await q.first((db) =>
    db
      .selectFrom('customer_stamps')
      .select('stamps')
      .where('customer_id', '=', customerId)
      .where('agency', '=', request.agency)
      .$call(q.lockRows),
  );
  const unused = balance?.stamps ?? 0;
  const wanted = request.stamps ?? unused;
  if (wanted === 0 || wanted > unused) {
    reject('insufficient_stamps', `${unused} unused stamps of ${request.agency} to refund`);
  }
  const lots = await q.all((db) =>
    db
      .selectFrom('customer_stamp_lots')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('agency', '=', request.agency)
      .where((eb) => eb('refunded_stamps', '<', eb.ref('stamps')))
      .orderBy('created_at', 'desc')
      .orderBy('purchase_id', 'desc')
      .$call(q.lockRows),
  );
  const refundable = lots.reduce((sum, lot) => sum + lot.stamps - lot.refunded_stamps, 0);
  if (refundable < wanted) {
    reject('not_found', `only ${refundable} of these stamps were bought by card and can go back`);
  }
  await debit(work, {
    owner: { type: 'customer', id: customerId, agency: request.agency },
    account: 'stamps',
    amount: wanted,
    kind: 'stamp_refund',
    reference: request.refundId,
  });
  let left = wanted;
  for (const lot of lots) {
    if (left === 0) break;
    const before = lot.refunded_stamps;
    const stamps = Math.min(left, lot.stamps - before);
    left -= stamps;
    await q.run((db) =>
      db
        .updateTable('customer_stamp_lots')
        .set((eb) => ({ refunded_stamps: eb('refunded_stamps', '+', stamps) }))
        .where('purchase_id', '=', lot.purchase_id),
    );
    await q.run((db) =>
      db.insertInto('stamp_refunds').values({
        refund_id: request.refundId,
        purchase_id: lot.purchase_id,
        customer_id: customerId,
        charge_id: lot.charge_id,
        stamps,
        cents: centsUpTo(lot, before + stamps) - centsUpTo(lot, before),
        status: 'pending',
        created_at: work.now,
      }),
    );
  }
  return { refundId: request.refundId };
}

type RefundRow = Selectable<CentralDatabase['stamp_refunds']>;

const REFUND_STATUS = StampRefundResponseSchema.shape.lines.element.shape.status;

/**
 * Asks the processor to pay back pending refund lines (of one refund, or all of them for the
 * sweep), each once; the outcome is stored line by line.
 */
export async function settleStampRefunds(context: MoneyContext, refundId?: string): Promise<void> {
  const payments = requirePayments(context);
  const pending = await typed(context.storage).all((db) => {
    let query = db.selectFrom('stamp_refunds').selectAll().where('status', '=', 'pending');
    if (refundId) query = query.where('refund_id', '=', refundId);
    return query.orderBy('created_at').orderBy('refund_id').orderBy('purchase_id');
  });
  for (const line of pending) {
    const paid =
      line.cents === 0
        ? ({ ok: true, refundId: null } as const)
        : await payments.refund({
            key: `stamp-refund:${line.refund_id}:${line.purchase_id}`,
            chargeId: line.charge_id,
            amountCents: line.cents,
          });
    if (!paid.ok && paid.reason === 'unavailable') {
      context.logger.warn({ refundId: line.refund_id }, 'stamp refund waits for the processor');
      continue;
    }
    await inWork(context.storage, context.clock, (work) =>
      paid.ok ? markRefunded(work, line, paid.refundId) : giveStampsBack(work, line),
    );
  }
}

async function markRefunded(work: Work, line: RefundRow, processorRefundId: string | null) {
  const q = typed(work.tx);
  const moved = await q.run((db) =>
    db
      .updateTable('stamp_refunds')
      .set({ status: 'refunded', processor_refund_id: processorRefundId, settled_at: work.now })
      .where('refund_id', '=', line.refund_id)
      .where('purchase_id', '=', line.purchase_id)
      .where('status', '=', 'pending'),
  );
  if (moved === 0) return;
  await q.run((db) =>
    db
      .updateTable('card_charges')
      .set((eb) => ({ refunded_cents: eb('refunded_cents', '+', line.cents) }))
      .where('id', '=', line.charge_id),
  );
}

/** The processor refused for good (e.g. a disputed charge): the stamps return to the customer. */
async function giveStampsBack(work: Work, line: RefundRow) {
  const q = typed(work.tx);
  const moved = await q.run((db) =>
    db
      .updateTable('stamp_refunds')
      .set({ status: 'failed', settled_at: work.now })
      .where('refund_id', '=', line.refund_id)
      .where('purchase_id', '=', line.purchase_id)
      .where('status', '=', 'pending'),
  );
  if (moved === 0) return;
  const lot = await q.first((db) =>
    db
      .selectFrom('customer_stamp_lots')
      .select('agency')
      .where('purchase_id', '=', line.purchase_id),
  );
  await q.run((db) =>
    db
      .updateTable('customer_stamp_lots')
      .set((eb) => ({ refunded_stamps: eb('refunded_stamps', '-', line.stamps) }))
      .where('purchase_id', '=', line.purchase_id),
  );
  await credit(work, {
    owner: { type: 'customer', id: line.customer_id, agency: lot!.agency },
    account: 'stamps',
    amount: line.stamps,
    kind: 'stamp_refund',
    reference: `${line.refund_id}:${line.purchase_id}:refused`,
  });
}

/** Where a refund stands, line by line. */
export async function stampRefundLines(
  context: MoneyContext,
  customerId: string,
  refundId: string,
): Promise<StampRefundLine[]> {
  const rows = await typed(context.storage).all((db) =>
    db
      .selectFrom('stamp_refunds')
      .selectAll()
      .where('refund_id', '=', refundId)
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .orderBy('purchase_id'),
  );
  return rows.map((row) => ({
    purchaseId: row.purchase_id,
    chargeId: row.charge_id,
    stamps: row.stamps,
    cents: row.cents,
    status: REFUND_STATUS.parse(row.status),
  }));
}
