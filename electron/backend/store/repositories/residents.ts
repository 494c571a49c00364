import type { Database } from 'better-sqlite3';

export interface ResidentRow {
  id: string;
  facilityId: string;
  state: string;
  docNumber: string;
  firstName: string;
  lastName: string;
  tabletSerial: string | null;
  badgeToken: string | null;
  updatedAt: string;
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
  badge_token AS badgeToken, updated_at AS updatedAt`;

export function createResidentsRepository(db: Database) {
  const upsert = db.prepare(
    `INSERT INTO residents (id, facility_id, state, doc_number, first_name, last_name,
       tablet_serial, badge_token, updated_at)
     VALUES (@id, @facilityId, @state, @docNumber, @firstName, @lastName, @tabletSerial,
       @badgeToken, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET facility_id = excluded.facility_id, state = excluded.state,
       doc_number = excluded.doc_number, first_name = excluded.first_name,
       last_name = excluded.last_name, tablet_serial = excluded.tablet_serial,
       badge_token = excluded.badge_token, updated_at = excluded.updated_at`,
  );
  const byId = db.prepare<[string], ResidentRow>(
    `SELECT ${residentColumns} FROM residents WHERE id = ? AND active = 1`,
  );
  const byDoc = db.prepare<[string, string], ResidentRow>(
    `SELECT ${residentColumns} FROM residents WHERE state = ? AND doc_number = ? AND active = 1`,
  );
  const byBadge = db.prepare<[string], ResidentRow>(
    `SELECT ${residentColumns} FROM residents WHERE badge_token = ? AND active = 1`,
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

  return {
    upsert: (resident: ResidentRow): void => void upsert.run(resident),
    byId: (id: string): ResidentRow | undefined => byId.get(id),
    byDocNumber: (state: string, docNumber: string): ResidentRow | undefined =>
      byDoc.get(state, docNumber),
    byBadgeToken: (token: string): ResidentRow | undefined => byBadge.get(token),
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
