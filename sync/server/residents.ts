import type { ResidentRow } from './publish';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';

/**
 * Loads a resident of the given facility; residents of other facilities do not exist here.
 * `lock`: the transaction's `forUpdate` to lock the row until commit (empty: no lock).
 */
export async function residentInFacility(
  queryable: Queryable,
  facilityId: string,
  residentId: string,
  lock = '',
): Promise<ResidentRow> {
  const q = typed(queryable);
  const row = await q.first((db) =>
    db
      .selectFrom('residents')
      .selectAll()
      .where('id', '=', residentId)
      .$call((query) => (lock ? q.lockRows(query) : query)),
  );
  if (!row || row.facility_id !== facilityId) reject('not_found', `no resident ${residentId} here`);
  return row;
}

/** Whether the customer is one of the resident's contacts (may write and be written to). */
export async function isContact(queryable: Queryable, residentId: string, customerId: string) {
  const row = await typed(queryable).first((db) =>
    db
      .selectFrom('customer_residents')
      .select('resident_id')
      .where('resident_id', '=', residentId)
      .where('customer_id', '=', customerId),
  );
  return row !== undefined;
}
