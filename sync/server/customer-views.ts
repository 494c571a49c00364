import type { CustomerDeposits, CustomerMessageStatus, CustomerStampHistory } from '../protocol';
import { isReleased, messageView, type MessageRow } from './publish';
import { reject } from './rejection';
import type { Queryable } from './storage/types';

/**
 * What a customer reads about their own mail and stamps. A message is shown to its sender in
 * full (rejection reason, attachments withheld, stamps refunded) and to its recipient only once
 * released; anything else is the same `not_found` as an unknown id.
 */
export async function customerMessageStatus(
  db: Queryable,
  customerId: string,
  messageId: string,
): Promise<CustomerMessageStatus> {
  const row = await db.get<MessageRow>('SELECT * FROM messages WHERE id = ? AND customer_id = ?', [
    messageId,
    customerId,
  ]);
  // A customer's own message is inbound (to the resident); a resident's to them is outbound.
  const sender = row?.direction === 'inbound';
  if (!row || (!sender && !isReleased(row.status))) {
    reject('not_found', `no message ${messageId} here`);
  }
  const data = messageView(row, sender);
  return {
    messageId: row.id,
    residentId: row.resident_id,
    direction: row.direction,
    status: row.status,
    timeline: data.timeline,
    rejectReason: row.reject_reason,
    attachments: data.attachments,
    withheldAttachments: data.withheldAttachments,
    stampsCharged: sender ? Number(row.stamps_charged) : 0,
    refundedStamps: data.refundedStamps,
    expectedDeliveryBy: row.expected_by,
  };
}

/** The customer's stamp ledger entries, newest first (the last 500). */
export async function customerStampHistory(
  db: Queryable,
  customerId: string,
): Promise<CustomerStampHistory> {
  const rows = await db.all<{
    id: string;
    kind: string;
    amount: number;
    reference: string;
    created_at: string;
  }>(
    `SELECT id, kind, amount, reference, created_at FROM ledger
     WHERE owner_type = 'customer' AND owner_id = ? AND account = 'stamps'
     ORDER BY created_at DESC, id DESC LIMIT 500`,
    [customerId],
  );
  return {
    entries: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      amount: Number(row.amount),
      reference: row.reference,
      createdAt: row.created_at,
    })),
  };
}

/**
 * The deposits credited from this customer, newest first (their card deposits, and the paper
 * ones finance entered naming them), each credited or with a chargeback still outstanding.
 * Another customer's deposits, and those entered without a customer, are never listed.
 */
export async function customerDeposits(
  db: Queryable,
  customerId: string,
): Promise<CustomerDeposits> {
  const rows = await db.all<{
    id: string;
    resident_id: string;
    channel: CustomerDeposits['deposits'][number]['channel'];
    amount_cents: number;
    fee_cents: number;
    created_at: string;
    open_chargebacks: number;
  }>(
    `SELECT d.id, d.resident_id, d.channel, d.amount_cents, d.fee_cents, d.created_at,
            (SELECT COUNT(*) FROM chargebacks c WHERE c.deposit_id = d.id
               AND c.resolved_at IS NULL AND c.recovered_cents < c.amount_cents) AS open_chargebacks
       FROM deposits d WHERE d.customer_id = ?
      ORDER BY d.created_at DESC, d.id DESC LIMIT 500`,
    [customerId],
  );
  return {
    deposits: rows.map((row) => ({
      depositId: row.id,
      residentId: row.resident_id,
      channel: row.channel,
      amountCents: Number(row.amount_cents),
      feeCents: Number(row.fee_cents),
      state: Number(row.open_chargebacks) > 0 ? 'charged_back' : 'credited',
      creditedAt: row.created_at,
    })),
  };
}
