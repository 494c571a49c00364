import { z } from 'zod';
import {
  BadgeTokenSchema,
  DocNumberSchema,
  IdSchema,
  PersonNameSchema,
  PinSchema,
  StateCodeSchema,
  TabletSerialSchema,
} from '../../domain';
import { hashSecret } from './auth/secrets';
import { loadFacility } from './facilities';
import { requireHousingUnit } from './housing';
import { publishResident } from './publish';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Work } from './work';

/** Creating residents (admin API and `seed`): the PIN is stored and sent down only as a hash. */
export const NewResidentSchema = z.object({
  id: IdSchema.optional(),
  facilityId: IdSchema,
  state: StateCodeSchema,
  docNumber: DocNumberSchema,
  firstName: PersonNameSchema,
  lastName: PersonNameSchema,
  pin: PinSchema,
  /** Kiosks of this unit will hold the resident's credentials; null: none yet. */
  housingUnitId: IdSchema.nullable().default(null),
  badgeId: BadgeTokenSchema.nullable().default(null),
  tabletSerial: TabletSerialSchema.nullable().default(null),
});
export type NewResident = z.infer<typeof NewResidentSchema>;

/** The PIN hash is computed before the transaction: scrypt is slow on purpose. */
export async function prepareResident(input: NewResident) {
  return { ...input, id: input.id ?? crypto.randomUUID(), pinHash: await hashSecret(input.pin) };
}

export async function insertResident(
  work: Work,
  resident: Awaited<ReturnType<typeof prepareResident>>,
): Promise<string> {
  await loadFacility(work.tx, resident.facilityId);
  if (resident.housingUnitId !== null)
    await requireHousingUnit(work.tx, resident.facilityId, resident.housingUnitId);
  const q = typed(work.tx);
  const taken = await q.first((db) =>
    db
      .selectFrom('residents')
      .select('id')
      .where('state', '=', resident.state)
      .where('doc_number', '=', resident.docNumber),
  );
  if (taken) reject('conflict', `resident ${resident.state} ${resident.docNumber} exists`);
  await q.run((db) =>
    db.insertInto('residents').values({
      id: resident.id,
      facility_id: resident.facilityId,
      housing_unit_id: resident.housingUnitId,
      state: resident.state,
      doc_number: resident.docNumber,
      first_name: resident.firstName,
      last_name: resident.lastName,
      pin_hash: resident.pinHash,
      badge_id: resident.badgeId,
      tablet_serial: resident.tabletSerial,
    }),
  );
  await publishResident(work, resident.id);
  return resident.id;
}
