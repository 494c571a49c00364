import type { ResidentRow } from './publish';
import { reject } from './rejection';
import { prepared, typed } from './storage/typed';
import type { Queryable } from './storage/types';

const residentById = prepared((db, p: { resident: string }) =>
  db.selectFrom('residents').selectAll().where('id', '=', p.resident),
);

/** Loads a resident of the given facility; residents of other facilities do not exist here. */
export async function residentInFacility(
  queryable: Queryable,
  facilityId: string,
  residentId: string,
): Promise<ResidentRow> {
  const row = await typed(queryable).first(residentById, { resident: residentId });
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
