import type { AttachmentRef } from '../../protocol';
import { bookReplyStamps, credit, type Owner } from '../ledger';
import { publishContact, type MessageRow } from '../publish';
import { typed } from '../storage/typed';
import type { Work } from '../work';

/**
 * Stamps spent on an item that review rejects go back to whoever paid for it, when the decision
 * is made, item by item: the text (`text`), each attachment (by its hash), and on an inbound
 * message rejected before release the prepaid reply stamps the customer attached (`prepaid`).
 *
 * Who paid: a customer's message was paid from the customer's stamps; a resident's from the
 * resident's prepaid reply stamps for that customer first, then their own. A refund gives back
 * the resident's own stamps first (the last spent), then the prepaid ones, to their holding.
 *
 * Exactly once: the decision holds the message row's lock, `mail_refunds` has one row per
 * (message, item, account) and items already there are skipped, and the ledger's unique
 * (owner, account, kind, reference) would refuse a second entry anyway. So a retried or
 * concurrent decision, or a release revoked after some items were refunded, refunds only what
 * was not refunded yet.
 */

export type RefundItem = 'text' | 'prepaid' | string;

/** Stamps each item of a message cost when it was sent. */
function itemStamps(row: MessageRow): Map<RefundItem, number> {
  const attachments = JSON.parse(row.attachments) as AttachmentRef[];
  const perAttachment = JSON.parse(String(row.item_stamps ?? '[]')) as number[];
  const stamps = new Map<RefundItem, number>();
  let attachmentTotal = 0;
  attachments.forEach((attachment, index) => {
    const cost = perAttachment[index] ?? 0;
    attachmentTotal += cost;
    stamps.set(attachment.sha256, (stamps.get(attachment.sha256) ?? 0) + cost);
  });
  stamps.set('text', Math.max(0, Number(row.stamps_charged) - attachmentTotal));
  return stamps;
}

interface RefundedRow {
  item: string;
  account: string;
  stamps: number;
}

export interface RefundResult {
  /** Stamps given back by this call (0 when everything asked was refunded before). */
  stamps: number;
  items: RefundItem[];
}

/** Gives back the stamps of `items` not refunded yet; returns what this call refunded. */
export async function refundItems(
  work: Work,
  row: MessageRow,
  items: readonly RefundItem[],
): Promise<RefundResult> {
  const q = typed(work.tx);
  const done = await q.all((db) =>
    db
      .selectFrom('mail_refunds')
      .select(['item', 'account', 'stamps'])
      .where('message_id', '=', row.id),
  );
  const already = new Set(done.map((refund) => refund.item));
  const costs = itemStamps(row);
  let ownRefunded = sumOf(done, 'stamps');
  let refunded = 0;
  const refundedItems: RefundItem[] = [];
  for (const item of new Set(items)) {
    if (already.has(item)) continue;
    const stamps = item === 'prepaid' ? Number(row.prepaid_attached) : (costs.get(item) ?? 0);
    if (stamps === 0) continue;
    if (row.direction === 'inbound') {
      const owner = {
        type: 'customer' as const,
        id: row.customer_id,
        agency: await paidFrom(work, row),
      };
      await giveBack(work, row, item, 'stamps', owner, stamps);
    } else {
      const ownPaid = Number(row.stamps_charged) - Number(row.prepaid_used);
      const own = Math.min(stamps, Math.max(0, ownPaid - ownRefunded));
      ownRefunded += own;
      const owner = { type: 'resident' as const, id: row.resident_id };
      await giveBack(work, row, item, 'stamps', owner, own);
      await giveBack(work, row, item, 'reply_stamps', owner, stamps - own);
    }
    refunded += stamps;
    refundedItems.push(item);
  }
  if (refunded > 0) {
    await q.run((db) =>
      db
        .updateTable('messages')
        .set((eb) => ({ refunded_stamps: eb('refunded_stamps', '+', refunded) }))
        .where('id', '=', row.id),
    );
  }
  return { stamps: refunded, items: refundedItems };
}

/** The agency whose stamps paid a customer's message: its ledger entry says. */
async function paidFrom(work: Work, row: MessageRow): Promise<string> {
  const spent = await typed(work.tx).first((db) =>
    db
      .selectFrom('ledger')
      .select('agency')
      .where('owner_type', '=', 'customer')
      .where('owner_id', '=', row.customer_id)
      .where('account', '=', 'stamps')
      .where('kind', '=', 'mail_send')
      .where('reference', '=', row.id),
  );
  if (!spent?.agency) throw new Error(`no stamp spend recorded for message ${row.id}`);
  return spent.agency;
}

function sumOf(rows: readonly RefundedRow[], account: string): number {
  return rows
    .filter((refund) => refund.account === account)
    .reduce((sum, refund) => sum + Number(refund.stamps), 0);
}

async function giveBack(
  work: Work,
  row: MessageRow,
  item: RefundItem,
  account: 'stamps' | 'reply_stamps',
  owner: Owner,
  stamps: number,
): Promise<void> {
  if (stamps <= 0) return;
  const reference = `${row.id}:${item}`;
  await typed(work.tx).run((db) =>
    db.insertInto('mail_refunds').values({
      message_id: row.id,
      item,
      account,
      owner_type: owner.type,
      owner_id: owner.id,
      stamps,
      refunded_at: work.now,
    }),
  );
  if (account === 'stamps') {
    await credit(work, { owner, account, amount: stamps, kind: 'mail_refund', reference });
    return;
  }
  await bookReplyStamps(work, row.resident_id, row.customer_id, stamps, 'mail_refund', reference);
  await publishContact(work, row.resident_id, row.customer_id);
}
