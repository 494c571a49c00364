import { FacilityConfigSchema, createModerator, type FacilityConfig } from '../../domain';
import { publishFacility } from './publish';
import { reject } from './rejection';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';
import { remember, type Work } from './work';

/** Facility configurations, stored as validated JSON and sent down to the facility scope. */

const parsed = new Map<string, FacilityConfig>();

export async function loadFacility(
  queryable: Queryable,
  facilityId: string,
): Promise<FacilityConfig> {
  const row = await typed(queryable).first((db) =>
    db.selectFrom('facilities').select('config').where('id', '=', facilityId),
  );
  if (!row) reject('not_found', `no facility ${facilityId}`);
  let config = parsed.get(row.config);
  if (!config) {
    config = FacilityConfigSchema.parse(JSON.parse(row.config));
    parsed.set(row.config, config);
  }
  return config;
}

/** Creates or replaces a facility's configuration (validated) and publishes it. */
export async function saveFacility(work: Work, input: unknown): Promise<FacilityConfig> {
  const config = FacilityConfigSchema.parse(input);
  const moderator = createModerator(config.moderation);
  if (!moderator.ok) reject('invalid_args', moderator.error.message);
  await typed(work.tx).run((db) =>
    db
      .insertInto('facilities')
      .values({ id: config.id, config: JSON.stringify(config) })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ config: eb.ref('excluded.config') })),
      ),
  );
  publishFacility(work, config);
  return config;
}

/** The facility's configuration, read once per unit of work (configs change only via admin). */
export function facilityOf(work: Work, facilityId: string): Promise<FacilityConfig> {
  return remember(work, `facility:${facilityId}`, () => loadFacility(work.tx, facilityId));
}
