import { runPortableDdl, type CentralMigration } from './migration';

/**
 * The schema of the first release, as it shipped (it then created tables with `IF NOT EXISTS` on
 * every start and recorded schema_version 1). Balances carry CHECK constraints so no code path can
 * take one below zero; ledger entries are unique per (owner, account, kind, reference) so a
 * mutation or idempotency key can never be booked twice.
 */
const FIRST_RELEASE_TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS facilities (id TEXT PRIMARY KEY, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS enroll_codes (
  code_hash TEXT PRIMARY KEY, facility_id TEXT NOT NULL REFERENCES facilities(id),
  profile TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT, device_id TEXT);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, facility_id TEXT NOT NULL REFERENCES facilities(id), profile TEXT NOT NULL,
  public_key TEXT NOT NULL, label TEXT NOT NULL, app_version TEXT NOT NULL,
  high_water_mark INTEGER NOT NULL DEFAULT 0, replay_high INTEGER NOT NULL DEFAULT 0,
  replay_bits TEXT NOT NULL DEFAULT '0', enrolled_at TEXT NOT NULL, revoked_at TEXT);
CREATE TABLE IF NOT EXISTS device_serials (
  device_id TEXT PRIMARY KEY REFERENCES devices(id), serial TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mutations (
  id TEXT PRIMARY KEY, device_id TEXT NOT NULL REFERENCES devices(id), seq INTEGER NOT NULL,
  name TEXT NOT NULL, outcome TEXT NOT NULL, applied_at TEXT NOT NULL, UNIQUE (device_id, seq));
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY, actor TEXT NOT NULL, params_hash TEXT NOT NULL, status INTEGER NOT NULL,
  response TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
  scope_kind TEXT NOT NULL, scope_id TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
  op TEXT NOT NULL, data TEXT, position INTEGER NOT NULL,
  PRIMARY KEY (scope_kind, scope_id, entity, entity_id));
CREATE INDEX IF NOT EXISTS changes_by_position ON changes (scope_kind, scope_id, position);
CREATE TABLE IF NOT EXISTS residents (
  id TEXT PRIMARY KEY, facility_id TEXT NOT NULL REFERENCES facilities(id), state TEXT NOT NULL,
  doc_number TEXT NOT NULL, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
  pin_hash TEXT NOT NULL, badge_id TEXT, tablet_serial TEXT,
  failed_pin_attempts INTEGER NOT NULL DEFAULT 0, locked_at TEXT, UNIQUE (state, doc_number));
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, locked_at TEXT,
  terms_version TEXT NOT NULL, terms_accepted_at TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customer_residents (
  customer_id TEXT NOT NULL REFERENCES customers(id),
  resident_id TEXT NOT NULL REFERENCES residents(id), PRIMARY KEY (customer_id, resident_id));
CREATE TABLE IF NOT EXISTS customer_sessions (
  token_hash TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
  expires_at TEXT NOT NULL, must_change_password INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS temporary_passwords (
  id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
  password_hash TEXT NOT NULL, issued_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT);
CREATE TABLE IF NOT EXISTS mail_outbox (
  id TEXT PRIMARY KEY, to_email TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
  created_at TEXT NOT NULL, sent_at TEXT);
CREATE TABLE IF NOT EXISTS balances (
  owner_type TEXT NOT NULL, owner_id TEXT NOT NULL,
  stamps INTEGER NOT NULL DEFAULT 0 CHECK (stamps >= 0),
  cents INTEGER NOT NULL DEFAULT 0 CHECK (cents >= 0), PRIMARY KEY (owner_type, owner_id));
CREATE TABLE IF NOT EXISTS reply_holdings (
  resident_id TEXT NOT NULL, customer_id TEXT NOT NULL,
  stamps INTEGER NOT NULL CHECK (stamps >= 0), PRIMARY KEY (resident_id, customer_id));
CREATE TABLE IF NOT EXISTS ledger (
  id TEXT PRIMARY KEY, owner_type TEXT NOT NULL, owner_id TEXT NOT NULL, account TEXT NOT NULL,
  customer_id TEXT, amount INTEGER NOT NULL, kind TEXT NOT NULL, reference TEXT NOT NULL,
  created_at TEXT NOT NULL, UNIQUE (owner_type, owner_id, account, kind, reference));
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, facility_id TEXT NOT NULL, resident_id TEXT NOT NULL REFERENCES residents(id),
  customer_id TEXT NOT NULL, direction TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
  body TEXT NOT NULL, attachments TEXT NOT NULL, status TEXT NOT NULL, timeline TEXT NOT NULL,
  stamps_charged INTEGER NOT NULL, prepaid_used INTEGER NOT NULL, prepaid_attached INTEGER NOT NULL,
  sent_at TEXT NOT NULL, expected_by TEXT NOT NULL, reject_reason TEXT, flags TEXT NOT NULL,
  escalated INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS messages_review ON messages (facility_id, status, sent_at);
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY, resident_id TEXT NOT NULL REFERENCES residents(id), tablet_serial TEXT NOT NULL,
  category TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ticket_messages (
  id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets(id), author TEXT NOT NULL,
  body TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS release_requests (
  id TEXT PRIMARY KEY, resident_id TEXT NOT NULL REFERENCES residents(id), data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deposits (
  id TEXT PRIMARY KEY, resident_id TEXT NOT NULL REFERENCES residents(id), customer_id TEXT,
  channel TEXT NOT NULL, amount_cents INTEGER NOT NULL, fee_cents INTEGER NOT NULL,
  card_brand TEXT, card_last4 TEXT, card_expiry TEXT, card_token_hash TEXT, reference TEXT,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bills (
  bill_id TEXT PRIMARY KEY, deposit_id TEXT NOT NULL, cents INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS chargebacks (
  id TEXT PRIMARY KEY, deposit_id TEXT NOT NULL REFERENCES deposits(id), kind TEXT NOT NULL,
  customer_id TEXT NOT NULL, resident_id TEXT NOT NULL, amount_cents INTEGER NOT NULL,
  recovered_cents INTEGER NOT NULL DEFAULT 0 CHECK (recovered_cents <= amount_cents),
  opened_at TEXT NOT NULL, resolved_at TEXT);
CREATE TABLE IF NOT EXISTS staff (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, facility_id TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS audit (
  id TEXT PRIMARY KEY, actor TEXT NOT NULL, action TEXT NOT NULL, subject_type TEXT NOT NULL,
  subject_id TEXT NOT NULL, detail TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit (subject_id, at);
CREATE TABLE IF NOT EXISTS blobs (
  sha256 TEXT PRIMARY KEY, mime TEXT NOT NULL, size INTEGER NOT NULL, received INTEGER NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blob_chunks (
  sha256 TEXT NOT NULL REFERENCES blobs(sha256), start INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (sha256, start));
`;

export const migration001: CentralMigration = {
  version: 1,
  name: 'first-release',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, FIRST_RELEASE_TABLES);
    // The epoch: a random id of this database, so devices notice a restored backup.
    await tx.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
      'epoch',
      crypto.randomUUID(),
    ]);
    await tx.run(
      "INSERT INTO counters (name, value) VALUES ('position', 0) ON CONFLICT (name) DO NOTHING",
    );
  },
};
