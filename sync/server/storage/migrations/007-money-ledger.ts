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
CREATE INDEX card_charges_unclaimed ON card_charges (status, created_at)
`;

/**
 * Per-item stamps of messages already stored: what each attachment cost, at the facility's
 * prices of today (earlier builds kept only the total), never more than the message's total;
 * the text's stamps are the rest.
 */
async function backfillItemStamps(tx: Parameters<CentralMigration['up']>[0]): Promise<void> {
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

/**
 * Refunds of rejected mail, per item, and the sweep of unclaimed card charges:
 * - `messages.item_stamps`: what each attachment cost when sent (the text's share is the rest);
 *   `withheld`: attachments review rejected while the text was released, with their reasons;
 *   `refunded_stamps`: stamps given back so far;
 * - `message_attachments.withheld`: the recipient may not read that blob;
 * - `mail_refunds`: one row per (message, item, account) refunded, so each is refunded once;
 * - `card_charges.refunded_at` and an index for the sweep of captured charges never claimed.
 */
export const migration007: CentralMigration = {
  version: 7,
  name: 'money-ledger',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, TABLES);
    await backfillItemStamps(tx);
  },
};
