import type { Migration } from './migration';

/**
 * The first schema: every table the device keeps. All tables are STRICT; money is integer cents,
 * stamps integer counts, instants ISO-8601 UTC text, ids text.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE device_identity (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        device_id TEXT NOT NULL,
        profile TEXT NOT NULL CHECK (profile IN ('kiosk', 'lobby', 'tablet')),
        facility_id TEXT NOT NULL,
        serial TEXT,
        maintenance_pin_hash TEXT,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE facility_config (
        facility_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL CHECK (version >= 0),
        config_json TEXT NOT NULL CHECK (json_valid(config_json)),
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE residents (
        id TEXT PRIMARY KEY,
        facility_id TEXT NOT NULL,
        state TEXT NOT NULL,
        doc_number TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        tablet_serial TEXT,
        badge_token TEXT UNIQUE,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        updated_at TEXT NOT NULL,
        UNIQUE (state, doc_number)
      ) STRICT;

      -- PINs are stored only as scrypt hashes with a per-credential salt.
      CREATE TABLE resident_credentials (
        resident_id TEXT PRIMARY KEY REFERENCES residents (id) ON DELETE CASCADE,
        pin_hash TEXT NOT NULL,
        pin_salt TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
        locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        locked_at TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('resident', 'maintenance')),
        resident_id TEXT REFERENCES residents (id) ON DELETE CASCADE,
        started_at TEXT NOT NULL,
        last_activity_at TEXT NOT NULL,
        ended_at TEXT,
        end_reason TEXT CHECK (end_reason IN ('logout', 'idle', 'closed', 'locked', 'replaced'))
      ) STRICT;
      CREATE INDEX sessions_by_resident ON sessions (resident_id, started_at);

      CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        email TEXT NOT NULL,
        blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
        updated_at TEXT NOT NULL,
        UNIQUE (resident_id, customer_id)
      ) STRICT;

      -- seq is the rowid alias: stable across VACUUM, so the full-text index can point at it.
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts (id),
        direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
        status TEXT NOT NULL CHECK (status IN
          ('draft', 'queued', 'sent', 'in_review', 'released', 'rejected', 'delivered', 'read')),
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        reply_to_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
        stamp_cost INTEGER NOT NULL DEFAULT 0 CHECK (stamp_cost >= 0),
        prepaid_reply_stamps INTEGER NOT NULL DEFAULT 0 CHECK (prepaid_reply_stamps >= 0),
        ecard INTEGER NOT NULL DEFAULT 0 CHECK (ecard IN (0, 1)),
        read_at TEXT,
        status_reason TEXT,
        sort_at TEXT NOT NULL,
        sent_at TEXT,
        updated_at TEXT NOT NULL,
        folder TEXT GENERATED ALWAYS AS (
          CASE WHEN status = 'draft' THEN 'drafts'
               WHEN direction = 'inbound' THEN 'inbox'
               ELSE 'sent' END) VIRTUAL
      ) STRICT;
      CREATE INDEX messages_by_folder ON messages (resident_id, folder, sort_at DESC, id DESC);

      CREATE TABLE message_attachments (
        id TEXT PRIMARY KEY,
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('photo', 'ecard', 'snapnsend', 'videogram')),
        file_name TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64)
      ) STRICT;
      CREATE INDEX attachments_by_message ON message_attachments (message_id);

      -- Content-addressed attachment bytes; a missing row means still downloading.
      CREATE TABLE blobs (
        content_hash TEXT PRIMARY KEY CHECK (length(content_hash) = 64),
        data BLOB NOT NULL
      ) STRICT;

      CREATE TABLE message_events (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT
      ) STRICT;
      CREATE INDEX events_by_message ON message_events (message_id, at);

      -- Confirmed balances come only from the central service.
      CREATE TABLE stamp_balances (
        resident_id TEXT PRIMARY KEY REFERENCES residents (id) ON DELETE CASCADE,
        confirmed INTEGER NOT NULL CHECK (confirmed >= 0),
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Stamps a customer prepaid for replies to them only.
      CREATE TABLE prepaid_reply_holdings (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        source_message_id TEXT,
        stamps INTEGER NOT NULL CHECK (stamps >= 0),
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX holdings_by_contact ON prepaid_reply_holdings (resident_id, contact_id);

      -- Local, pending spends; the central service confirms or refuses them.
      CREATE TABLE stamp_reservations (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        message_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
        mutation_id TEXT NOT NULL,
        stamps INTEGER NOT NULL CHECK (stamps >= 0),
        prepaid_stamps INTEGER NOT NULL DEFAULT 0 CHECK (prepaid_stamps >= 0),
        holding_id TEXT REFERENCES prepaid_reply_holdings (id) ON DELETE SET NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'released')),
        created_at TEXT NOT NULL,
        settled_at TEXT
      ) STRICT;
      CREATE INDEX reservations_pending ON stamp_reservations (resident_id, state);

      -- Stamp history: confirmed entries come from the central service, pending ones are local.
      CREATE TABLE stamp_history (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('purchase', 'spend', 'refund', 'prepaid_received')),
        stamps INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'refused')),
        message_id TEXT,
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX stamp_history_by_resident ON stamp_history (resident_id, at DESC, id DESC);

      CREATE TABLE stamp_purchases (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        bundle_id TEXT NOT NULL,
        stamps INTEGER NOT NULL CHECK (stamps > 0),
        price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
        promotion_id TEXT,
        payment_kind TEXT NOT NULL CHECK (payment_kind IN ('account', 'card', 'cash')),
        card_brand TEXT CHECK (card_brand IN ('visa', 'mastercard')),
        card_last4 TEXT CHECK (card_last4 GLOB '[0-9][0-9][0-9][0-9]'),
        card_token TEXT,
        cash_session_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'refused')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX purchases_by_resident ON stamp_purchases (resident_id, status);

      -- The resident's spendable money account as last confirmed by the central service.
      CREATE TABLE spendable_balances (
        resident_id TEXT PRIMARY KEY REFERENCES residents (id) ON DELETE CASCADE,
        confirmed_cents INTEGER NOT NULL CHECK (confirmed_cents >= 0),
        updated_at TEXT NOT NULL
      ) STRICT;

      -- Chargebacks from the central service; the domain's block rules read them.
      CREATE TABLE chargebacks (
        id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        resident_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN
          ('bank_card', 'money_order', 'personal_check', 'stop_payment')),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        recovered_cents INTEGER NOT NULL CHECK (recovered_cents BETWEEN 0 AND amount_cents),
        opened_at TEXT NOT NULL,
        resolved_at TEXT
      ) STRICT;
      CREATE INDEX chargebacks_by_resident ON chargebacks (resident_id);
      CREATE INDEX chargebacks_by_customer ON chargebacks (customer_id);

      -- Lobby deposits; card data is brand, last four, expiry and a one-way token only.
      CREATE TABLE deposits (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id),
        channel TEXT NOT NULL CHECK (channel IN
          ('bank_card', 'money_order', 'moneygram', 'kiosk_cash', 'kiosk_card')),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        fee_cents INTEGER NOT NULL CHECK (fee_cents >= 0),
        card_brand TEXT CHECK (card_brand IN ('visa', 'mastercard')),
        card_last4 TEXT CHECK (card_last4 GLOB '[0-9][0-9][0-9][0-9]'),
        card_expiry TEXT CHECK (card_expiry GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
        card_funding TEXT CHECK (card_funding IN ('debit', 'credit', 'prepaid', 'unknown')),
        card_token TEXT,
        cash_session_id TEXT,
        depositor_name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'refused')),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        tablet_serial TEXT NOT NULL,
        category TEXT NOT NULL CHECK (category IN
          ('charging', 'sync', 'screen', 'audio', 'login', 'stamps', 'mail', 'media', 'other')),
        description TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'open', 'answered', 'resolved', 'closed')),
        suggestions_shown_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(suggestions_shown_json)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_read_at TEXT
      ) STRICT;
      CREATE INDEX tickets_by_resident ON tickets (resident_id, updated_at DESC);

      CREATE TABLE ticket_messages (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        author TEXT NOT NULL CHECK (author IN ('resident', 'agent')),
        body TEXT NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, created_at);

      CREATE TABLE release_requests (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
        tablet_serial TEXT NOT NULL,
        agency_address TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        doc_number TEXT NOT NULL,
        phone TEXT NOT NULL,
        return_address TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('requested', 'received', 'unlocked', 'shipped_back')),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX releases_by_resident ON release_requests (resident_id, created_at DESC);

      CREATE TABLE release_events (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL REFERENCES release_requests (id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('requested', 'received', 'unlocked', 'shipped_back')),
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX release_events_by_request ON release_events (request_id, at);

      -- seq is the per-device mutation sequence the central service keeps a high-water mark of.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        args_json TEXT NOT NULL CHECK (json_valid(args_json)),
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'applied', 'rejected')),
        outcome_json TEXT CHECK (outcome_json IS NULL OR json_valid(outcome_json)),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX outbox_by_state ON outbox (state, seq);

      CREATE TABLE sync_cursors (
        scope TEXT PRIMARY KEY,
        cursor TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sync_state (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        server_epoch TEXT,
        last_success_at TEXT,
        last_error TEXT
      ) STRICT;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        actor_kind TEXT NOT NULL CHECK (actor_kind IN ('resident', 'maintenance', 'lobby', 'system')),
        actor_id TEXT,
        subject_id TEXT,
        details_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details_json))
      ) STRICT;
      CREATE INDEX audit_by_time ON audit_log (at);
    `);
  },
};
