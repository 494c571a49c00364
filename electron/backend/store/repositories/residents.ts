import { createHmac } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface ResidentRow {
  id: string;
  facilityId: string;
  state: string;
  docNumber: string;
  firstName: string;
  lastName: string;
  tabletSerial: string | null;
  /** The unit whose kiosks hold this resident's credentials. */
  housingUnitId: string | null;
  /** HMAC-SHA256 of the badge code under the facility's badge key (base64url); never the code. */
  badgeHash: string | null;
  /** The pulled scope whose record keeps this resident here (null: seeded locally). */
  sourceScope: string | null;
  updatedAt: string;
}

/** The facility's badge key as the central service sent it (32 bytes, base64url). */
export interface BadgeKey {
  id: string;
  key: string;
}

/** The keyed hash a badge code is stored and looked up as. */
export function badgeHash(key: BadgeKey, badgeCode: string): string {
  return createHmac('sha256', Buffer.from(key.key, 'base64url'))
    .update(badgeCode)
    .digest('base64url');
}

export interface CredentialRow {
  residentId: string;
  pinHash: string;
  pinSalt: string;
  failedAttempts: number;
  locked: boolean;
  lockedAt: string | null;
}

const residentColumns = `id, facility_id AS facilityId, state, doc_number AS docNumber,
  first_name AS firstName, last_name AS lastName, tablet_serial AS tabletSerial,
  housing_unit_id AS housingUnitId, badge_hash AS badgeHash, source_scope AS sourceScope,
  updated_at AS updatedAt`;

export function createResidentsRepository(db: Database) {
  const upsert = db.prepare(
    `INSERT INTO residents (id, facility_id, state, doc_number, first_name, last_name,
       tablet_serial, housing_unit_id, badge_hash, source_scope, updated_at)
     VALUES (@id, @facilityId, @state, @docNumber, @firstName, @lastName, @tabletSerial,
       @housingUnitId, @badgeHash, @sourceScope, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET facility_id = excluded.facility_id, state = excluded.state,
       doc_number = excluded.doc_number, first_name = excluded.first_name,
       last_name = excluded.last_name, tablet_serial = excluded.tablet_serial,
       housing_unit_id = excluded.housing_unit_id, badge_hash = excluded.badge_hash,
       source_scope = excluded.source_scope, updated_at = excluded.updated_at`,
  );
  const getBadgeKey = db.prepare<[], BadgeKey>(
    `SELECT key_id AS id, secret AS key FROM badge_key WHERE singleton = 1`,
  );
  const putBadgeKey = db.prepare(
    `INSERT INTO badge_key (singleton, key_id, secret) VALUES (1, @id, @key)
     ON CONFLICT (singleton) DO UPDATE SET key_id = excluded.key_id, secret = excluded.secret`,
  );
  const byId = db.prepare<[string], ResidentRow>(
    `SELECT ${residentColumns} FROM residents WHERE id = ? AND active = 1`,
  );
  const byDoc = db.prepare<[string, string], ResidentRow>(
    `SELECT ${residentColumns} FROM residents WHERE state = ? AND doc_number = ? AND active = 1`,
  );
  const byBadge = db.prepare<[string], ResidentRow>(
    `SELECT ${residentColumns} FROM residents WHERE badge_hash = ? AND active = 1`,
  );
  const getCredential = db.prepare<[string], Omit<CredentialRow, 'locked'> & { locked: number }>(
    `SELECT resident_id AS residentId, pin_hash AS pinHash, pin_salt AS pinSalt,
            failed_attempts AS failedAttempts, locked, locked_at AS lockedAt
       FROM resident_credentials WHERE resident_id = ?`,
  );
  const putCredential = db.prepare(
    `INSERT INTO resident_credentials (resident_id, pin_hash, pin_salt, failed_attempts, locked,
       locked_at, updated_at)
     VALUES (@residentId, @pinHash, @pinSalt, 0, 0, NULL, @at)
     ON CONFLICT (resident_id) DO UPDATE SET pin_hash = excluded.pin_hash,
       pin_salt = excluded.pin_salt, failed_attempts = 0, locked = 0, locked_at = NULL,
       updated_at = excluded.updated_at`,
  );
  const putAttempts = db.prepare(
    `UPDATE resident_credentials SET failed_attempts = @failedAttempts, locked = @locked,
       locked_at = CASE WHEN @locked = 1 THEN coalesce(locked_at, @at) ELSE NULL END,
       updated_at = @at
     WHERE resident_id = @residentId`,
  );
  const reactivate = db.prepare(`UPDATE residents SET active = 1 WHERE id = ?`);
  const sourceScope = db.prepare<[string], { sourceScope: string | null }>(
    `SELECT source_scope AS sourceScope FROM residents WHERE id = ?`,
  );
  const pulled = db.prepare<[], { id: string; sourceScope: string }>(
    `SELECT id, source_scope AS sourceScope FROM residents WHERE source_scope IS NOT NULL`,
  );
  // Whose mail this device keeps: the residents who sign in here (their records came from the
  // unit's or the device's own scope); a lobby kiosk's directory entries read no mail.
  const served = db.prepare<[], { id: string }>(
    `SELECT id FROM residents WHERE active = 1
       AND (source_scope LIKE 'unit:%' OR source_scope LIKE 'device:%') ORDER BY id`,
  );
  const remove = db.prepare(`DELETE FROM residents WHERE id = ?`);
  const deactivate = db.prepare(
    `UPDATE residents SET active = 0, source_scope = NULL, badge_hash = NULL,
       tablet_serial = NULL, housing_unit_id = NULL WHERE id = ?`,
  );
  const forgetCredential = db.prepare(`DELETE FROM resident_credentials WHERE resident_id = ?`);

  return {
    upsert: (resident: ResidentRow): void => void upsert.run(resident),
    /** Marks a resident active again (a record pulled anew after they left). */
    reactivate: (id: string): void => void reactivate.run(id),
    /** The pulled scope whose record keeps the resident here, active or not. */
    sourceScope: (id: string): string | null => sourceScope.get(id)?.sourceScope ?? null,
    /** Every resident whose record came from a pulled scope. */
    pulled: (): { id: string; sourceScope: string }[] => pulled.all(),
    /** The active residents who sign in on this device, whose own scopes it pulls. */
    served: (): string[] => served.all().map((row) => row.id),
    /** Deletes a resident; everything of theirs goes with the row by cascade. */
    remove: (id: string): void => void remove.run(id),
    /**
     * Keeps the row of a resident this device's deposits name, inactive and without what found
     * them here (badge, tablet, unit, scope); their credential is forgotten.
     */
    deactivate(id: string): void {
      deactivate.run(id);
      forgetCredential.run(id);
    },
    /** Drops the resident's PIN hash (a lobby kiosk's directory holds no credentials). */
    forgetCredential: (id: string): void => void forgetCredential.run(id),
    byId: (id: string): ResidentRow | undefined => byId.get(id),
    byDocNumber: (state: string, docNumber: string): ResidentRow | undefined =>
      byDoc.get(state, docNumber),
    /** The resident whose badge this is: the code is hashed with the badge key, then looked up. */
    byBadgeCode(badgeCode: string): ResidentRow | undefined {
      const key = getBadgeKey.get();
      return key && byBadge.get(badgeHash(key, badgeCode));
    },
    badgeKey: (): BadgeKey | undefined => getBadgeKey.get(),
    saveBadgeKey: (key: BadgeKey): void => void putBadgeKey.run(key),
    credential(residentId: string): CredentialRow | undefined {
      const row = getCredential.get(residentId);
      return row && { ...row, locked: row.locked === 1 };
    },
    setPin(residentId: string, pinHash: string, pinSalt: string, at: string): void {
      putCredential.run({ residentId, pinHash, pinSalt, at });
    },
    recordAttempts(residentId: string, failedAttempts: number, locked: boolean, at: string): void {
      putAttempts.run({ residentId, failedAttempts, locked: locked ? 1 : 0, at });
    },
  };
}
