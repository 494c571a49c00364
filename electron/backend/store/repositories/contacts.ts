import type { Database } from 'better-sqlite3';

export interface ContactRow {
  id: string;
  residentId: string;
  customerId: string;
  displayName: string;
  email: string;
  blocked: boolean;
}

const columns = `id, resident_id AS residentId, customer_id AS customerId,
  display_name AS displayName, email, blocked`;
type RawContact = Omit<ContactRow, 'blocked'> & { blocked: number };
const toContact = (row: RawContact): ContactRow => ({ ...row, blocked: row.blocked === 1 });

export function createContactsRepository(db: Database) {
  const upsert = db.prepare(
    `INSERT INTO contacts (id, resident_id, customer_id, display_name, email, blocked, updated_at)
     VALUES (@id, @residentId, @customerId, @displayName, @email, @blocked, @updatedAt)
     ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
       email = excluded.email, blocked = excluded.blocked, updated_at = excluded.updated_at`,
  );
  const forResident = db.prepare<[string], RawContact>(
    `SELECT ${columns} FROM contacts WHERE resident_id = ? ORDER BY display_name, id`,
  );
  const byId = db.prepare<[string], RawContact>(`SELECT ${columns} FROM contacts WHERE id = ?`);
  const placeholder = db.prepare(
    `INSERT INTO contacts (id, resident_id, customer_id, display_name, email, blocked, updated_at)
     VALUES (?, ?, ?, '', '', 0, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const hide = db.prepare(`UPDATE contacts SET blocked = 1, updated_at = ? WHERE id = ?`);
  return {
    upsert(contact: ContactRow, updatedAt: string): void {
      upsert.run({ ...contact, blocked: contact.blocked ? 1 : 0, updatedAt });
    },
    forResident: (residentId: string): ContactRow[] => forResident.all(residentId).map(toContact),
    /**
     * Makes sure a contact row exists for mail that names it before the contact itself arrives;
     * the contact's own upsert later fills it in.
     */
    ensure(id: string, residentId: string, customerId: string, at: string): void {
      placeholder.run(id, residentId, customerId, at);
    },
    /** Hides a withdrawn contact; mail keeps pointing at it, so the row stays. */
    hide: (id: string, at: string): void => void hide.run(at, id),
    byId(id: string): ContactRow | undefined {
      const row = byId.get(id);
      return row && toContact(row);
    },
  };
}
