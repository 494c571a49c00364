import { createHmac, randomBytes } from 'node:crypto';
import type { BadgeKeyData } from '../protocol';
import { typed } from './storage/typed';
import type { Work } from './work';

/**
 * Badge codes leave the central service only as keyed hashes: HMAC-SHA256 under the facility's
 * badge key. A device that signs residents in by badge (a housing-unit kiosk, a tablet) receives
 * the key in its own device scope and hashes a scanned badge before looking it up, so its file
 * holds no badge code. A lobby kiosk receives neither key nor hashes.
 */

/** HMAC-SHA256 of the badge code under the key (both base64url). */
export function badgeHash(key: string, badgeCode: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64url')).update(badgeCode).digest('base64url');
}

/** The facility's badge key, made on first use (32 random bytes). */
export async function facilityBadgeKey(work: Work, facilityId: string): Promise<BadgeKeyData> {
  const { tx } = work;
  await tx.lockKey(`badge-key:${facilityId}`);
  const q = typed(tx);
  const row = await q.first((db) =>
    db.selectFrom('badge_keys').select(['key_id', 'secret']).where('facility_id', '=', facilityId),
  );
  if (row) return { id: row.key_id, key: row.secret };
  const made = { id: crypto.randomUUID(), key: randomBytes(32).toString('base64url') };
  await q.run((db) =>
    db.insertInto('badge_keys').values({
      facility_id: facilityId,
      key_id: made.id,
      secret: made.key,
      created_at: work.now,
    }),
  );
  return made;
}
