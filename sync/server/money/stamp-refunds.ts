import type { CapturedCharge } from './payments';
import { debit, credit } from '../ledger';
import { reject } from '../rejection';
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
  await work.tx.run(
    `INSERT INTO customer_stamp_lots (purchase_id, customer_id, agency, stamps, price_cents,
       charge_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      lot.purchaseId,
      lot.customerId,
      lot.agency,
      lot.stamps,
      lot.charge.amountCents,
      lot.charge.chargeId,
      work.now,
    ],
  );
}

interface LotRow {
  purchase_id: string;
  stamps: number;
  price_cents: number;
  charge_id: string;
  refunded_stamps: number;
  [key: string]: unknown;
}

const centsUpTo = (lot: LotRow, stamps: number) =>
  Math.floor((Number(lot.price_cents) * stamps) / Number(lot.stamps));

/** Takes the stamps off the agency's balance and the lots; the processor refunds come next. */
export async function bookStampRefund(
  work: Work,
  customerId: string,
  request: StampRefundRequest,
): Promise<{ refundId: string }> {
  const balance = await work.tx.get<{ stamps: number }>(
    `SELECT stamps FROM customer_stamps WHERE customer_id = ? AND agency = ?${work.tx.forUpdate}`,
    [customerId, request.agency],
  );
  const unused = Number(balance?.stamps ?? 0);
  const wanted = request.stamps ?? unused;
  if (wanted === 0 || wanted > unused) {
    reject('insufficient_stamps', `${unused} unused stamps of ${request.agency} to refund`);
  }
  const lots = await work.tx.all<LotRow>(
    `SELECT * FROM customer_stamp_lots WHERE customer_id = ? AND agency = ? AND refunded_stamps < stamps
     ORDER BY created_at DESC, purchase_id DESC${work.tx.forUpdate}`,
    [customerId, request.agency],
  );
  const refundable = lots.reduce(
    (sum, lot) => sum + Number(lot.stamps) - Number(lot.refunded_stamps),
    0,
  );
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
    const before = Number(lot.refunded_stamps);
    const stamps = Math.min(left, Number(lot.stamps) - before);
    left -= stamps;
    await work.tx.run(
      'UPDATE customer_stamp_lots SET refunded_stamps = refunded_stamps + ? WHERE purchase_id = ?',
      [stamps, lot.purchase_id],
    );
    await work.tx.run(
      `INSERT INTO stamp_refunds (refund_id, purchase_id, customer_id, charge_id, stamps, cents,
         status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      [
        request.refundId,
        lot.purchase_id,
        customerId,
        lot.charge_id,
        stamps,
        centsUpTo(lot, before + stamps) - centsUpTo(lot, before),
        work.now,
      ],
    );
  }
  return { refundId: request.refundId };
}

interface RefundRow {
  refund_id: string;
  purchase_id: string;
  customer_id: string;
  charge_id: string;
  stamps: number;
  cents: number;
  status: StampRefundLine['status'];
  [key: string]: unknown;
}

/**
 * Asks the processor to pay back pending refund lines (of one refund, or all of them for the
 * sweep), each once; the outcome is stored line by line.
 */
export async function settleStampRefunds(context: MoneyContext, refundId?: string): Promise<void> {
  const payments = requirePayments(context);
  const pending = await context.storage.all<RefundRow>(
    `SELECT * FROM stamp_refunds WHERE status = 'pending'${refundId ? ' AND refund_id = ?' : ''}
     ORDER BY created_at, refund_id, purchase_id`,
    refundId ? [refundId] : [],
  );
  for (const line of pending) {
    const paid =
      Number(line.cents) === 0
        ? ({ ok: true, refundId: null } as const)
        : await payments.refund({
            key: `stamp-refund:${line.refund_id}:${line.purchase_id}`,
            chargeId: line.charge_id,
            amountCents: Number(line.cents),
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
  const moved = await work.tx.run(
    `UPDATE stamp_refunds SET status = 'refunded', processor_refund_id = ?, settled_at = ?
     WHERE refund_id = ? AND purchase_id = ? AND status = 'pending'`,
    [processorRefundId, work.now, line.refund_id, line.purchase_id],
  );
  if (moved === 0) return;
  await work.tx.run('UPDATE card_charges SET refunded_cents = refunded_cents + ? WHERE id = ?', [
    line.cents,
    line.charge_id,
  ]);
}

/** The processor refused for good (e.g. a disputed charge): the stamps return to the customer. */
async function giveStampsBack(work: Work, line: RefundRow) {
  const moved = await work.tx.run(
    `UPDATE stamp_refunds SET status = 'failed', settled_at = ?
     WHERE refund_id = ? AND purchase_id = ? AND status = 'pending'`,
    [work.now, line.refund_id, line.purchase_id],
  );
  if (moved === 0) return;
  const lot = await work.tx.get<{ agency: string }>(
    'SELECT agency FROM customer_stamp_lots WHERE purchase_id = ?',
    [line.purchase_id],
  );
  await work.tx.run(
    'UPDATE customer_stamp_lots SET refunded_stamps = refunded_stamps - ? WHERE purchase_id = ?',
    [line.stamps, line.purchase_id],
  );
  await credit(work, {
    owner: { type: 'customer', id: line.customer_id, agency: lot!.agency },
    account: 'stamps',
    amount: Number(line.stamps),
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
  const rows = await context.storage.all<RefundRow>(
    `SELECT * FROM stamp_refunds WHERE refund_id = ? AND customer_id = ? ORDER BY created_at, purchase_id`,
    [refundId, customerId],
  );
  return rows.map((row) => ({
    purchaseId: row.purchase_id,
    chargeId: row.charge_id,
    stamps: Number(row.stamps),
    cents: Number(row.cents),
    status: row.status,
  }));
}
