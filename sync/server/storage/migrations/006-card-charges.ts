import { runPortableDdl, type CentralMigration } from './migration';

/**
 * Cards go through the processor: every captured charge is kept (processor charge id, our
 * idempotency key, who paid, the card's brand, last four and fingerprint; never a number), and
 * each deposit paid by card names its charge, so a dispute webhook finds the deposit. A kiosk
 * charge is captured before its mutation is pushed and claimed by it once (`claimed_by`).
 * Webhook events are kept by id so a redelivered event acts once.
 */
export const migration006: CentralMigration = {
  version: 6,
  name: 'card-charges',
  async up(tx, dialect) {
    await runPortableDdl(
      tx,
      dialect,
      `CREATE TABLE card_charges (
        id TEXT PRIMARY KEY, payment_key TEXT NOT NULL UNIQUE, payer TEXT NOT NULL,
        resident_id TEXT NOT NULL REFERENCES residents(id), amount_cents INTEGER NOT NULL,
        refunded_cents INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents <= amount_cents),
        card_brand TEXT NOT NULL, card_last4 TEXT NOT NULL, card_exp_month INTEGER NOT NULL,
        card_exp_year INTEGER NOT NULL, card_funding TEXT NOT NULL, card_fingerprint TEXT NOT NULL,
        status TEXT NOT NULL, claimed_by TEXT UNIQUE, created_at TEXT NOT NULL);
      CREATE TABLE processor_events (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, outcome TEXT NOT NULL, received_at TEXT NOT NULL);
      ALTER TABLE deposits ADD COLUMN charge_id TEXT`,
    );
  },
};
