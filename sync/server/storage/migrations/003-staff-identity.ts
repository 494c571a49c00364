import { runPortableDdl, type CentralMigration } from './migration';

/**
 * Staff and IT identity: per-person accounts (scrypt password + TOTP), roles granted per facility
 * ('*' = every facility, for the deployment's IT), server-side sessions, and login failures counted
 * per account *and* source so that nobody can lock the owner out from elsewhere. The audit trail
 * gains the facility each entry belongs to, so it can be read per facility.
 *
 * The first release's `staff` table (one bearer token per person, no password, no roles) is
 * dropped: its tokens stop working and IT creates the accounts again. Customer lockout moves from
 * the customer row to `login_failures`. `password_resets` remembers when a temporary password was
 * last asked for per email (hashed; known or not), so asking again and again sends one mail.
 */
const STAFF_IDENTITY = `
CREATE TABLE staff_members (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL, totp_last_step INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
  disabled_at TEXT);
CREATE TABLE staff_grants (
  staff_id TEXT NOT NULL REFERENCES staff_members(id), role TEXT NOT NULL, facility_id TEXT NOT NULL,
  PRIMARY KEY (staff_id, role, facility_id));
CREATE TABLE staff_sessions (
  id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
  staff_id TEXT NOT NULL REFERENCES staff_members(id), csrf_hash TEXT NOT NULL,
  source TEXT NOT NULL, user_agent TEXT NOT NULL, created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, revoked_at TEXT);
CREATE INDEX staff_sessions_by_member ON staff_sessions (staff_id, created_at);
CREATE TABLE login_failures (
  account TEXT NOT NULL, source TEXT NOT NULL, failures INTEGER NOT NULL, locked_at TEXT,
  PRIMARY KEY (account, source));
CREATE TABLE password_resets (email_hash TEXT PRIMARY KEY, requested_at TEXT NOT NULL);
DROP TABLE staff;
ALTER TABLE customers DROP COLUMN failed_logins;
ALTER TABLE customers DROP COLUMN locked_at;
ALTER TABLE audit ADD COLUMN facility_id TEXT;
CREATE INDEX audit_by_facility ON audit (facility_id, subject_id, at)
`;

export const migration003: CentralMigration = {
  version: 3,
  name: 'staff-identity',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, STAFF_IDENTITY);
    // Old entries name their facility through the subject; messages and residents carry it.
    await tx.run(
      `UPDATE audit SET facility_id = (SELECT facility_id FROM residents WHERE residents.id = audit.subject_id)
       WHERE subject_type = 'resident'`,
    );
    await tx.run(
      `UPDATE audit SET facility_id = (SELECT facility_id FROM messages WHERE messages.id = audit.subject_id)
       WHERE subject_type = 'message'`,
    );
  },
};
