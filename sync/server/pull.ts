import { formatCursor, parseCursor, type Scope } from '../protocol';
import { mayActFor } from './access';
import { readEpoch } from './epoch';
import type { AuthenticatedDevice } from './http/device-auth';
import { HttpError } from './http/errors';
import { pageJson, type StoredChange } from './page-json';
import type { PageSigner } from './page-signing';
import type { Queryable, Storage } from './storage/types';
import type { Clock } from './work';

/**
 * Pull: for each scope the device asks for, the changes after its cursor in position order,
 * one page each. Positions are commit-ordered (changes.ts), so reading `position > cursor`
 * never skips a row that committed late. A cursor from another epoch, or beyond the newest
 * position (the database went back in time: a restore), answers 409 epoch_changed: the device
 * resets its cursors and pulls again from the start, keeping its outbox.
 */

interface ChangeRow {
  entity: string;
  entity_id: string;
  op: StoredChange['op'];
  data: string | null;
  position: number;
  [key: string]: unknown;
}

/**
 * Which scopes a device may read: its facility and itself; a housing-unit kiosk every resident
 * of its facility, a tablet only the resident assigned to the serial it enrolled with, a lobby
 * kiosk no resident.
 */
async function mayRead(db: Queryable, device: AuthenticatedDevice, scope: Scope): Promise<boolean> {
  if (scope.kind === 'facility') return scope.id === device.facilityId;
  if (scope.kind === 'device') return scope.id === device.id;
  if (device.profile === 'lobby') return false;
  return mayActFor(db, device, scope.id);
}

/**
 * Answers a pull as JSON text (a `PullResponse`): pages are assembled from the stored canonical
 * JSON without parsing it (page-json.ts), which is most of the cost of a large pull.
 */
export async function pull(
  storage: Storage,
  clock: Clock,
  device: AuthenticatedDevice,
  request: { scopes: { scope: Scope; cursor: string | null }[]; limit: number },
  signer: PageSigner,
): Promise<string> {
  const epoch = await readEpoch(storage);
  const newest = await storage.get<{ value: number }>(
    "SELECT value FROM counters WHERE name = 'position'",
  );
  const pages: string[] = [];
  for (const { scope, cursor } of request.scopes) {
    if (!(await mayRead(storage, device, scope))) {
      throw new HttpError(403, 'forbidden', `this device may not read ${scope.kind} ${scope.id}`);
    }
    const after = cursor === null ? { epoch, position: 0 } : parseCursor(cursor);
    if (after.epoch !== epoch || after.position > (newest?.value ?? 0)) {
      throw new HttpError(
        409,
        'epoch_changed',
        'the server was restored: reset cursors and pull again',
        { epoch },
      );
    }
    const rows = await storage.all<ChangeRow>(
      `SELECT entity, entity_id, op, data, position FROM changes
       WHERE scope_kind = ? AND scope_id = ? AND position > ? ORDER BY position LIMIT ?`,
      [scope.kind, scope.id, after.position, request.limit + 1],
    );
    const hasMore = rows.length > request.limit;
    const changes = rows.slice(0, request.limit).map((row): StoredChange => ({
      entity: row.entity,
      id: row.entity_id,
      op: row.op,
      data: row.data,
      position: row.position,
    }));
    const last = changes.at(-1)?.position ?? after.position;
    const sign = (checksum: string) => signer.sign(device.id, cursor, checksum);
    pages.push(await pageJson(scope, changes, formatCursor(epoch, last), hasMore, sign));
  }
  return `{"epoch":${JSON.stringify(epoch)},"serverTime":${JSON.stringify(clock().toISOString())},"pages":[${pages.join(',')}]}`;
}
