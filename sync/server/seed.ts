import { readFileSync } from 'node:fs';
import { FacilityConfigSchema, type FacilityConfig } from '../../domain';
import { saveFacility } from './facilities';
import { credit } from './ledger';
import { insertResident, prepareResident, type NewResident } from './residents-admin';
import type { Storage } from './storage/types';
import { inWork, type Clock } from './work';

/**
 * `central seed --sample`: the sample facility (assets/facility.sample.json) and demo residents
 * with stamps and money, for demos and manual testing. Idempotent: residents that exist are kept.
 */

export const DEMO_PIN = '1234';

const DEMO_RESIDENTS: Omit<NewResident, 'facilityId' | 'pin'>[] = [
  {
    id: 'demo-resident-1',
    state: 'FL',
    docNumber: 'S123456',
    firstName: 'Marcus',
    lastName: 'Reed',
    badgeId: 'BADGE-0001',
    tabletSerial: 'TAB-0001',
  },
  {
    id: 'demo-resident-2',
    state: 'FL',
    docNumber: 'S234567',
    firstName: 'Lucia',
    lastName: 'Fernandez',
    badgeId: 'BADGE-0002',
    tabletSerial: 'TAB-0002',
  },
  {
    id: 'demo-resident-3',
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
): Promise<{ facilityId: string; residentIds: string[] }> {
  const facility = readSampleFacility();
  await inWork(storage, clock, (work) => saveFacility(work, facility));
  const residentIds: string[] = [];
  for (const demo of DEMO_RESIDENTS) {
    residentIds.push(demo.id ?? '');
    const exists = await storage.get('SELECT 1 AS yes FROM residents WHERE id = ?', [
      demo.id ?? '',
    ]);
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
  return { facilityId: facility.id, residentIds };
}
