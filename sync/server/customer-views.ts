import { DEPOSIT_CHANNELS, type DepositChannel } from '../../domain';
import type { CustomerDeposits, CustomerMessageStatus, CustomerStampHistory } from '../protocol';
import { isReleased, messageRow, messageView } from './publish';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';

/**
 * What a customer reads about their own mail and stamps. A message is shown to its sender in
 * full (rejection reason, attachments withheld, stamps refunded) and to its recipient only once
 * released; anything else is the same `not_found` as an unknown id.
 */
export async function customerMessageStatus(
  queryable: Queryable,
  customerId: string,
  messageId: string,
): Promise<CustomerMessageStatus> {
  const stored = await typed(queryable).first((db) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', messageId)
      .where('customer_id', '=', customerId),
  );
  const row = stored && messageRow(stored);
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
  queryable: Queryable,
  customerId: string,
): Promise<CustomerStampHistory> {
  const rows = await typed(queryable).all((db) =>
    db
      .selectFrom('ledger')
      .select(['id', 'kind', 'amount', 'reference', 'created_at'])
      .where('owner_type', '=', 'customer')
      .where('owner_id', '=', customerId)
      .where('account', '=', 'stamps')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(500),
  );
  return {
    entries: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      amount: row.amount,
      reference: row.reference,
      createdAt: row.created_at,
    })),
  };
}

/** A stored deposit's channel, checked against the domain's list rather than cast. */
function depositChannel(stored: string): DepositChannel {
  const channel = DEPOSIT_CHANNELS.find((known) => known === stored);
  if (!channel) throw new Error(`a deposit has an unknown channel ${stored}`);
  return channel;
}

/**
 * The deposits credited from this customer, newest first (their card deposits, and the paper
 * ones finance entered naming them), each credited or with a chargeback still outstanding.
 * Another customer's deposits, and those entered without a customer, are never listed.
 */
export async function customerDeposits(
  queryable: Queryable,
  customerId: string,
): Promise<CustomerDeposits> {
  const rows = await typed(queryable).all((db) =>
    db
      .selectFrom('deposits as d')
      .select((eb) => [
        'd.id',
        'd.resident_id',
        'd.channel',
        'd.amount_cents',
        'd.fee_cents',
        'd.created_at',
        eb
          .selectFrom('chargebacks as c')
          .select((sub) => sub.fn.countAll<number>().as('n'))
          .whereRef('c.deposit_id', '=', 'd.id')
          .where('c.resolved_at', 'is', null)
          .whereRef('c.recovered_cents', '<', 'c.amount_cents')
          .as('open_chargebacks'),
      ])
      .where('d.customer_id', '=', customerId)
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(500),
  );
  return {
    deposits: rows.map((row) => ({
      depositId: row.id,
      residentId: row.resident_id,
      channel: depositChannel(row.channel),
      amountCents: Number(row.amount_cents),
      feeCents: Number(row.fee_cents),
      state: Number(row.open_chargebacks) > 0 ? 'charged_back' : 'credited',
      creditedAt: row.created_at,
    })),
  };
}
