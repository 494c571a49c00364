import { readFileSync } from 'node:fs';
import { FacilityConfigSchema, type FacilityConfig } from '../../domain';
import { saveFacility } from './facilities';
import { putHousingUnit } from './housing';
import { credit } from './ledger';
import { insertResident, prepareResident, type NewResident } from './residents-admin';
import { createStaffMember, totpFor } from './staff-identity';
import { typed } from './storage/typed';
import type { Storage } from './storage/types';
import { inWork, type Clock } from './work';

/**
 * `central seed --sample`: the sample facility (assets/facility.sample.json) and demo residents
 * with stamps and money, for demos and manual testing. Idempotent: residents that exist are kept.
 */

export const DEMO_PIN = '1234';

/**
 * Demo staff: one account per role at the sample facility, IT for every facility. Their password
 * and TOTP secrets are fixed and public (this file), so they exist only in a demo seed; a real
 * deployment creates its first IT admin with `central bootstrap-admin`.
 */
export const DEMO_STAFF_PASSWORD = 'demo staff password';
export const DEMO_STAFF_LOGINS = [
  {
    role: 'reviewer',
    email: 'reviewer@demo.homeline',
    name: 'Rita Reviewer',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA',
  },
  {
    role: 'supervisor',
    email: 'supervisor@demo.homeline',
    name: 'Sam Supervisor',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXB',
  },
  {
    role: 'finance',
    email: 'finance@demo.homeline',
    name: 'Fay Finance',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXC',
  },
  {
    role: 'agent',
    email: 'agent@demo.homeline',
    name: 'Andy Agent',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXD',
  },
  {
    role: 'it_admin',
    email: 'it@demo.homeline',
    name: 'Ivan IT',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXE',
  },
] as const;

export interface DemoStaffLogin {
  role: string;
  email: string;
  totpSecret: string;
  /** The TOTP code at the moment of seeding (valid ~30 s): a demo-only convenience. */
  currentCode: string;
}

/** Adds the demo staff accounts that do not exist yet; returns every demo login. */
export async function seedDemoStaff(storage: Storage, clock: Clock): Promise<DemoStaffLogin[]> {
  const facilityId = readSampleFacility().id;
  const logins: DemoStaffLogin[] = [];
  for (const demo of DEMO_STAFF_LOGINS) {
    const exists = await typed(storage).first((db) =>
      db.selectFrom('staff_members').select('id').where('email', '=', demo.email),
    );
    if (!exists) {
      await inWork(storage, clock, (work) =>
        createStaffMember(work, {
          email: demo.email,
          name: demo.name,
          grants: [{ role: demo.role, facilityId: demo.role === 'it_admin' ? '*' : facilityId }],
          demoCredentials: { password: DEMO_STAFF_PASSWORD, totpSecret: demo.totpSecret },
        }),
      );
    }
    logins.push({
      role: demo.role,
      email: demo.email,
      totpSecret: demo.totpSecret,
      currentCode: totpFor(demo.totpSecret, demo.email).generate({ timestamp: clock().getTime() }),
    });
  }
  return logins;
}

/**
 * The demo's housing units: the demo kiosk stands in unit A, where every demo resident lives,
 * so each of them signs in there; unit B is empty, somewhere to move a resident to.
 */
const DEMO_UNIT_A = 'sample-unit-a';
const DEMO_UNIT_B = 'sample-unit-b';

const DEMO_RESIDENTS: Omit<NewResident, 'facilityId' | 'pin'>[] = [
  {
    id: 'demo-resident-1',
    housingUnitId: DEMO_UNIT_A,
    state: 'FL',
    docNumber: 'S123456',
    firstName: 'Marcus',
    lastName: 'Reed',
    badgeId: 'BADGE-0001',
    tabletSerial: 'TAB-0001',
  },
  {
    id: 'demo-resident-2',
    housingUnitId: DEMO_UNIT_A,
    state: 'FL',
    docNumber: 'S234567',
    firstName: 'Lucia',
    lastName: 'Fernandez',
    badgeId: 'BADGE-0002',
    tabletSerial: 'TAB-0002',
  },
  {
    id: 'demo-resident-3',
    housingUnitId: DEMO_UNIT_A,
    state: 'FL',
    docNumber: 'S345678',
    firstName: 'Dwayne',
    lastName: 'Carter',
    badgeId: 'BADGE-0003',
    tabletSerial: null,
  },
];

export function readSampleFacility(): FacilityConfig {
  const path = new URL('../../assets/facility.sample.json', import.meta.url);
  return FacilityConfigSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export async function seedSample(
  storage: Storage,
  clock: Clock,
): Promise<{ facilityId: string; housingUnitId: string; residentIds: string[] }> {
  const facility = readSampleFacility();
  await inWork(storage, clock, async (work) => {
    await saveFacility(work, facility);
    await putHousingUnit(work, { id: DEMO_UNIT_A, facilityId: facility.id, name: 'Unit A' });
    await putHousingUnit(work, { id: DEMO_UNIT_B, facilityId: facility.id, name: 'Unit B' });
  });
  const residentIds: string[] = [];
  for (const demo of DEMO_RESIDENTS) {
    residentIds.push(demo.id ?? '');
    const exists = await typed(storage).first((db) =>
      db
        .selectFrom('residents')
        .select('id')
        .where('id', '=', demo.id ?? ''),
    );
    if (exists) continue;
    const prepared = await prepareResident({ ...demo, facilityId: facility.id, pin: DEMO_PIN });
    await inWork(storage, clock, async (work) => {
      await insertResident(work, prepared);
      const owner = { type: 'resident' as const, id: prepared.id };
      await credit(work, {
        owner,
        account: 'stamps',
        amount: 20,
        kind: 'adjustment',
        reference: 'seed',
      });
      await credit(work, {
        owner,
        account: 'money',
        amount: 2500,
        kind: 'adjustment',
        reference: 'seed',
      });
    });
  }
  return { facilityId: facility.id, housingUnitId: DEMO_UNIT_A, residentIds };
}
