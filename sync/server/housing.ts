import type { z } from 'zod';
import type { HousingUnit, HousingUnitRequestSchema, MoveResidentRequestSchema } from '../protocol';
import { auditStaff } from './audit';
import { loadFacility } from './facilities';
import { mayActIn, type StaffActor } from './http/access-control';
import { publishResident } from './publish';
import { reject } from './rejection';
import type { Queryable } from './storage/types';
import type { Work } from './work';

/**
 * Housing units: where a resident lives decides which kiosks hold their credentials (a
 * housing-unit kiosk serves the residents of its unit only). IT creates units; supervisors move
 * residents between units and tablets, and release them; each act is audited, and the resident's
 * sign-in record moves with them (publish.ts `publishResident` tombstones the scopes they left).
 */

/** A unit of the facility; units of other facilities do not exist here. */
export async function requireHousingUnit(db: Queryable, facilityId: string, unitId: string) {
  const unit = await db.get<{ facility_id: string }>(
    'SELECT facility_id FROM housing_units WHERE id = ?',
    [unitId],
  );
  if (unit?.facility_id !== facilityId) reject('not_found', `no housing unit ${unitId} here`);
}

/** Creates a unit, or renames one of the same facility; returns the name it had (if any). */
export async function putHousingUnit(
  work: Work,
  unit: HousingUnit,
): Promise<{ name: string } | undefined> {
  await loadFacility(work.tx, unit.facilityId);
  const existing = await work.tx.get<{ facility_id: string; name: string }>(
    `SELECT facility_id, name FROM housing_units WHERE id = ?${work.tx.forUpdate}`,
    [unit.id],
  );
  if (existing && existing.facility_id !== unit.facilityId)
    reject('conflict', `housing unit ${unit.id} belongs to another facility`);
  if (existing)
    await work.tx.run('UPDATE housing_units SET name = ? WHERE id = ?', [unit.name, unit.id]);
  else
    await work.tx.run(
      'INSERT INTO housing_units (id, facility_id, name, created_at) VALUES (?, ?, ?, ?)',
      [unit.id, unit.facilityId, unit.name, work.now],
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

interface Placement {
  facility_id: string;
  housing_unit_id: string | null;
  tablet_serial: string | null;
  released_at: string | null;
}

async function placedResident(work: Work, staff: StaffActor, residentId: string) {
  const row = await work.tx.get<Placement & Record<string, unknown>>(
    `SELECT facility_id, housing_unit_id, tablet_serial, released_at FROM residents
     WHERE id = ?${work.tx.forUpdate}`,
    [residentId],
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
  await work.tx.run('UPDATE residents SET housing_unit_id = ?, tablet_serial = ? WHERE id = ?', [
    after.housingUnitId,
    after.tabletSerial,
    residentId,
  ]);
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
  await work.tx.run('UPDATE residents SET released_at = ? WHERE id = ?', [work.now, residentId]);
  await auditStaff(
    work,
    staff,
    'resident.release',
    { type: 'resident', id: residentId, facilityId: before.facility_id },
    { before: { releasedAt: null }, after: { releasedAt: work.now } },
  );
  await publishResident(work, residentId);
}
