import type { AttachmentRef } from '../../../protocol';
import type { FacilityConfig } from '../../../../domain';
import { runPortableDdl, type CentralMigration } from './migration';

const TABLES = `
ALTER TABLE messages ADD COLUMN item_stamps TEXT;
ALTER TABLE messages ADD COLUMN withheld TEXT NOT NULL DEFAULT '[]';
ALTER TABLE messages ADD COLUMN refunded_stamps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE message_attachments ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0;
CREATE TABLE mail_refunds (
  message_id TEXT NOT NULL REFERENCES messages(id), item TEXT NOT NULL, account TEXT NOT NULL,
  owner_type TEXT NOT NULL, owner_id TEXT NOT NULL, stamps INTEGER NOT NULL CHECK (stamps > 0),
  refunded_at TEXT NOT NULL, PRIMARY KEY (message_id, item, account));
ALTER TABLE card_charges ADD COLUMN refunded_at TEXT;
CREATE INDEX card_charges_unclaimed ON card_charges (status, created_at);
ALTER TABLE ledger ADD COLUMN agency TEXT;
CREATE TABLE customer_stamps (
  customer_id TEXT NOT NULL REFERENCES customers(id), agency TEXT NOT NULL,
  stamps INTEGER NOT NULL CHECK (stamps >= 0), PRIMARY KEY (customer_id, agency));
CREATE TABLE customer_stamp_lots (
  purchase_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
  agency TEXT NOT NULL, stamps INTEGER NOT NULL CHECK (stamps > 0),
  price_cents INTEGER NOT NULL CHECK (price_cents >= 0), charge_id TEXT NOT NULL,
  refunded_stamps INTEGER NOT NULL DEFAULT 0 CHECK (refunded_stamps <= stamps),
  created_at TEXT NOT NULL);
CREATE INDEX customer_stamp_lots_by_agency ON customer_stamp_lots (customer_id, agency, created_at);
CREATE TABLE stamp_refunds (
  refund_id TEXT NOT NULL, purchase_id TEXT NOT NULL REFERENCES customer_stamp_lots(purchase_id),
  customer_id TEXT NOT NULL, charge_id TEXT NOT NULL, stamps INTEGER NOT NULL CHECK (stamps > 0),
  cents INTEGER NOT NULL CHECK (cents >= 0), status TEXT NOT NULL, processor_refund_id TEXT,
  created_at TEXT NOT NULL, settled_at TEXT, PRIMARY KEY (refund_id, purchase_id));
CREATE INDEX stamp_refunds_pending ON stamp_refunds (status, created_at);
CREATE TABLE cash_collections (
  id TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id), facility_id TEXT NOT NULL,
  collected_at TEXT NOT NULL, counted_cents INTEGER NOT NULL CHECK (counted_cents >= 0),
  bill_count INTEGER NOT NULL CHECK (bill_count >= 0), entered_by TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX cash_collections_by_device ON cash_collections (device_id, collected_at);
CREATE INDEX deposits_by_payer ON deposits (customer_id, created_at)
`;

type Tx = Parameters<CentralMigration['up']>[0];

/**
 * Per-item stamps of messages already stored: what each attachment cost, at the facility's
 * prices of today (earlier builds kept only the total), never more than the message's total;
 * the text's stamps are the rest.
 */
async function backfillItemStamps(tx: Tx): Promise<void> {
  const rows = await tx.all<{
    id: string;
    attachments: string;
    stamps_charged: number;
    config: string;
  }>(
    `SELECT m.id, m.attachments, m.stamps_charged, f.config FROM messages m
     JOIN facilities f ON f.id = m.facility_id ORDER BY m.id`,
  );
  for (const row of rows) {
    const costs = (JSON.parse(row.config) as FacilityConfig).stampCosts;
    let left = Number(row.stamps_charged);
    const items = (JSON.parse(row.attachments) as AttachmentRef[]).map((attachment) => {
      const stamps = Math.min(left, costs[attachment.kind] ?? 0);
      left -= stamps;
      return stamps;
    });
    await tx.run('UPDATE messages SET item_stamps = ? WHERE id = ?', [
      JSON.stringify(items),
      row.id,
    ]);
  }
}

const agencyOf = (config: string) => (JSON.parse(config) as FacilityConfig).state;

/** Card stamp purchases of customers so far, as lots refundable to their charge. */
async function backfillLots(tx: Tx): Promise<void> {
  const rows = await tx.all<{
    owner_id: string;
    reference: string;
    amount: number;
    created_at: string;
    amount_cents: number;
    charge_id: string;
    config: string;
  }>(
    `SELECT l.owner_id, l.reference, l.amount, l.created_at, d.amount_cents, d.charge_id, f.config
     FROM ledger l JOIN deposits d ON d.id = l.reference JOIN residents r ON r.id = d.resident_id
     JOIN facilities f ON f.id = r.facility_id
     WHERE l.owner_type = 'customer' AND l.kind = 'stamp_purchase' AND d.charge_id IS NOT NULL`,
  );
  for (const row of rows) {
    await tx.run(
      `INSERT INTO customer_stamp_lots (purchase_id, customer_id, agency, stamps, price_cents,
         charge_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        row.reference,
        row.owner_id,
        agencyOf(row.config),
        row.amount,
        row.amount_cents,
        row.charge_id,
        row.created_at,
      ],
    );
  }
}

/**
 * Customers' single stamp pool becomes per agency. Earlier builds did not record where stamps
 * were bought, so each customer's whole balance and history go to one agency: the one of their
 * latest card stamp purchase, or else of their first linked resident (by resident id).
 */
async function splitCustomerBalances(tx: Tx): Promise<void> {
  const customers = await tx.all<{ owner_id: string; stamps: number | null }>(
    `SELECT o.owner_id, b.stamps FROM
       (SELECT DISTINCT owner_id FROM ledger WHERE owner_type = 'customer'
        UNION SELECT owner_id FROM balances WHERE owner_type = 'customer') o
     LEFT JOIN balances b ON b.owner_type = 'customer' AND b.owner_id = o.owner_id
     ORDER BY o.owner_id`,
  );
  for (const customer of customers) {
    const bought = await tx.get<{ agency: string }>(
      `SELECT agency FROM customer_stamp_lots WHERE customer_id = ?
       ORDER BY created_at DESC, purchase_id DESC LIMIT 1`,
      [customer.owner_id],
    );
    const linked = await tx.get<{ config: string }>(
      `SELECT f.config FROM customer_residents cr JOIN residents r ON r.id = cr.resident_id
       JOIN facilities f ON f.id = r.facility_id WHERE cr.customer_id = ?
       ORDER BY cr.resident_id LIMIT 1`,
      [customer.owner_id],
    );
    const agency = bought?.agency ?? (linked ? agencyOf(linked.config) : null);
    if (!agency) throw new Error(`customer ${customer.owner_id} has stamps but no agency`);
    await tx.run("UPDATE ledger SET agency = ? WHERE owner_type = 'customer' AND owner_id = ?", [
      agency,
      customer.owner_id,
    ]);
    await tx.run('INSERT INTO customer_stamps (customer_id, agency, stamps) VALUES (?, ?, ?)', [
      customer.owner_id,
      agency,
      Number(customer.stamps ?? 0),
    ]);
  }
  await tx.run("DELETE FROM balances WHERE owner_type = 'customer'");
}

/**
 * Refunds of rejected mail, per item, and the sweep of unclaimed card charges:
 * - `messages.item_stamps`: what each attachment cost when sent (the text's share is the rest);
 *   `withheld`: attachments review rejected while the text was released, with their reasons;
 *   `refunded_stamps`: stamps given back so far;
 * - `message_attachments.withheld`: the recipient may not read that blob;
 * - `mail_refunds`: one row per (message, item, account) refunded, so each is refunded once;
 * - `card_charges.refunded_at` and an index for the sweep of captured charges never claimed;
 * - customers' stamps per agency (`customer_stamps`, `ledger.agency`), the card purchases they
 *   came from (`customer_stamp_lots`) and refunds of unused stamps to them (`stamp_refunds`);
 * - `cash_collections`: what finance counted when it took a kiosk's cash box.
 */
export const migration007: CentralMigration = {
  version: 7,
  name: 'money-ledger',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, TABLES);
    await backfillItemStamps(tx);
    await backfillLots(tx);
    await splitCustomerBalances(tx);
  },
};
