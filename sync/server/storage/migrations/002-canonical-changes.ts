import { canonicalJson } from '../../../protocol';
import type { CentralMigration } from './migration';

/**
 * Pulls send the stored change data as it is and checksum it as canonical JSON (page-json.ts);
 * data stored by early builds (plain JSON.stringify) is rewritten canonical once. Builds of the
 * first release that already did this left a `changes_canonical` mark, so it runs at most once.
 */
export const migration002: CentralMigration = {
  version: 2,
  name: 'canonical-changes',
  async up(tx) {
    const done = await tx.get("SELECT value FROM meta WHERE key = 'changes_canonical'");
    if (done) return;
    const rows = await tx.all<{
      scope_kind: string;
      scope_id: string;
      entity: string;
      entity_id: string;
      data: string;
    }>('SELECT scope_kind, scope_id, entity, entity_id, data FROM changes WHERE data IS NOT NULL');
    for (const row of rows) {
      await tx.run(
        'UPDATE changes SET data = ? WHERE scope_kind = ? AND scope_id = ? AND entity = ? AND entity_id = ?',
        [
          canonicalJson(JSON.parse(row.data)),
          row.scope_kind,
          row.scope_id,
          row.entity,
          row.entity_id,
        ],
      );
    }
    await tx.run("INSERT INTO meta (key, value) VALUES ('changes_canonical', '1')");
  },
};
