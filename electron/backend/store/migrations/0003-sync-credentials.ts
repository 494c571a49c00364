import type { Migration } from './migration';

/**
 * The device's sync identity, written at enrollment (electron/backend/sync): the id the central
 * service issued, the Ed25519 key pair it signs requests with, the service's address, and the
 * request-counter lease (counters are handed out in blocks so each request does not need its
 * own durable write, and never repeat after a restart).
 */
export const migration0003: Migration = {
  version: 3,
  name: 'sync-credentials',
  up(db) {
    db.exec(`
      CREATE TABLE sync_credentials (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        device_id TEXT NOT NULL,
        facility_id TEXT NOT NULL,
        profile TEXT NOT NULL CHECK (profile IN ('kiosk', 'lobby', 'tablet')),
        server_url TEXT NOT NULL,
        private_key TEXT NOT NULL,
        public_key TEXT NOT NULL,
        counter_leased_to INTEGER NOT NULL DEFAULT 0 CHECK (counter_leased_to >= 0),
        enrolled_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
