import type { z } from 'zod';
import type { HousingUnit, HousingUnitRequestSchema, MoveResidentRequestSchema } from '../protocol';
import { auditStaff } from './audit';
import { loadFacility } from './facilities';
import { mayActIn, type StaffActor } from './http/access-control';
import { publishResident } from './publish';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';
import type { Work } from './work';

/**
 * Housing units: where a resident lives decides which kiosks hold their credentials (a
 * housing-unit kiosk serves the residents of its unit only). IT creates units; supervisors move
 * residents between units and tablets, and release them; each act is audited, and the resident's
 * sign-in record moves with them (publish.ts `publishResident` tombstones the scopes they left).
 */

/** A unit of the facility; units of other facilities do not exist here. */
export async function requireHousingUnit(queryable: Queryable, facilityId: string, unitId: string) {
  const unit = await typed(queryable).first((db) =>
    db.selectFrom('housing_units').select('facility_id').where('id', '=', unitId),
  );
  if (unit?.facility_id !== facilityId) reject('not_found', `no housing unit ${unitId} here`);
}

/** Creates a unit, or renames one of the same facility; returns the name it had (if any). */
export async function putHousingUnit(
  work: Work,
  unit: HousingUnit,
): Promise<{ name: string } | undefined> {
  await loadFacility(work.tx, unit.facilityId);
  const q = typed(work.tx);
  const existing = await q.first((db) =>
    db
      .selectFrom('housing_units')
      .select(['facility_id', 'name'])
      .where('id', '=', unit.id)
      .$call(q.lockRows),
  );
  if (existing && existing.facility_id !== unit.facilityId)
    reject('conflict', `housing unit ${unit.id} belongs to another facility`);
  if (existing)
    await q.run((db) =>
      db.updateTable('housing_units').set({ name: unit.name }).where('id', '=', unit.id),
    );
  else
    await q.run((db) =>
      db.insertInto('housing_units').values({
        id: unit.id,
        facility_id: unit.facilityId,
        name: unit.name,
        created_at: work.now,
      }),
    );
  return existing;
}

/** IT's call: a unit of one of its facilities, audited. */
export async function saveHousingUnit(
  work: Work,
  staff: StaffActor,
  input: z.output<typeof HousingUnitRequestSchema>,
): Promise<HousingUnit> {
  if (!mayActIn(staff, input.facilityId))
    reject('not_found', `no facility ${input.facilityId} here`);
  const id = input.id ?? crypto.randomUUID();
  const existing = await putHousingUnit(work, {
    id,
    facilityId: input.facilityId,
    name: input.name,
  });
  await auditStaff(
    work,
    staff,
    existing ? 'housing_unit.rename' : 'housing_unit.create',
    { type: 'housing_unit', id, facilityId: input.facilityId },
    { before: existing ? { name: existing.name } : null, after: { name: input.name } },
  );
  return { id, facilityId: input.facilityId, name: input.name };
}

async function placedResident(work: Work, staff: StaffActor, residentId: string) {
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db
      .selectFrom('residents')
      .select(['facility_id', 'housing_unit_id', 'tablet_serial', 'released_at'])
      .where('id', '=', residentId)
      .$call(q.lockRows),
  );
  if (!row || !mayActIn(staff, row.facility_id) || row.released_at !== null)
    reject('not_found', `no resident ${residentId} here`);
  return row;
}

/** Moves a resident to another unit and/or tablet of the same facility; credentials follow. */
export async function moveResident(
  work: Work,
  staff: StaffActor,
  residentId: string,
  input: z.output<typeof MoveResidentRequestSchema>,
): Promise<void> {
  const before = await placedResident(work, staff, residentId);
  const after = {
    housingUnitId: input.housingUnitId === undefined ? before.housing_unit_id : input.housingUnitId,
    tabletSerial: input.tabletSerial === undefined ? before.tablet_serial : input.tabletSerial,
  };
  if (after.housingUnitId !== null)
    await requireHousingUnit(work.tx, before.facility_id, after.housingUnitId);
  await typed(work.tx).run((db) =>
    db
      .updateTable('residents')
      .set({ housing_unit_id: after.housingUnitId, tablet_serial: after.tabletSerial })
      .where('id', '=', residentId),
  );
  await auditStaff(
    work,
    staff,
    'resident.move',
    { type: 'resident', id: residentId, facilityId: before.facility_id },
    {
      before: { housingUnitId: before.housing_unit_id, tabletSerial: before.tablet_serial },
      after,
    },
  );
  await publishResident(work, residentId);
}

/** A resident released from the facility: every device deletes their credentials and data. */
export async function releaseResident(
  work: Work,
  staff: StaffActor,
  residentId: string,
): Promise<void> {
  const before = await placedResident(work, staff, residentId);
  await typed(work.tx).run((db) =>
    db.updateTable('residents').set({ released_at: work.now }).where('id', '=', residentId),
  );
  await auditStaff(
    work,
    staff,
    'resident.release',
    { type: 'resident', id: residentId, facilityId: before.facility_id },
    { before: { releasedAt: null }, after: { releasedAt: work.now } },
  );
  await publishResident(work, residentId);
}
