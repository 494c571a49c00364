import type { ResidentRow } from './publish';
import { reject } from './rejection';
import type { Queryable } from './storage/types';

/** Loads a resident of the given facility; residents of other facilities do not exist here. */
export async function residentInFacility(
  db: Queryable,
  facilityId: string,
  residentId: string,
  lock = '',
): Promise<ResidentRow> {
  const row = await db.get<ResidentRow>(`SELECT * FROM residents WHERE id = ?${lock}`, [
    residentId,
  ]);
  if (!row || row.facility_id !== facilityId) reject('not_found', `no resident ${residentId} here`);
  return row;
}

/** Whether the customer is one of the resident's contacts (may write and be written to). */
export async function isContact(db: Queryable, residentId: string, customerId: string) {
  const row = await db.get(
    'SELECT 1 AS yes FROM customer_residents WHERE resident_id = ? AND customer_id = ?',
    [residentId, customerId],
  );
  return row !== undefined;
}
