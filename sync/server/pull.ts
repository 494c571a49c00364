import { formatCursor, parseCursor, type Scope } from '../protocol';
import { mayReadResident } from './access';
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
 * Which scopes a device may read (least data): its facility and itself; a housing-unit kiosk
 * its own unit's sign-in records and those residents' scopes; a tablet the resident assigned to
 * the serial it enrolled with (its sign-in record comes in the device scope); a lobby kiosk the
 * facility's depositor directory and no resident.
 */
async function mayRead(db: Queryable, device: AuthenticatedDevice, scope: Scope): Promise<boolean> {
  switch (scope.kind) {
    case 'facility':
      return scope.id === device.facilityId;
    case 'device':
      return scope.id === device.id;
    case 'unit':
      return device.profile === 'kiosk' && scope.id === device.housingUnitId;
    case 'directory':
      return device.profile === 'lobby' && scope.id === device.facilityId;
    case 'resident':
      return mayReadResident(db, device, scope.id);
  }
}

const newestRead = new WeakMap<Queryable, number>();

/**
 * The newest change position, read from the database only when a cursor lies beyond the last
 * value read: positions only grow while the service runs (a restore means a restart, like the
 * cached epoch), so most pulls, whose cursors are behind or at the tip, cost no query for it.
 */
async function newestPositionAtLeast(db: Queryable, position: number): Promise<number> {
  const known = newestRead.get(db) ?? 0;
  if (position <= known) return known;
  const row = await db.get<{ value: number }>("SELECT value FROM counters WHERE name = 'position'");
  const newest = row?.value ?? 0;
  newestRead.set(db, newest);
  return newest;
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
  const furthest = Math.max(
    0,
    ...request.scopes.map(({ cursor }) => (cursor === null ? 0 : parseCursor(cursor).position)),
  );
  const newest = await newestPositionAtLeast(storage, furthest);
  const pages: string[] = [];
  for (const { scope, cursor } of request.scopes) {
    if (!(await mayRead(storage, device, scope))) {
      // A resident's scope gets no page, exactly as a resident who does not exist: a kiosk asks
      // in one request for its unit (whose tombstone tells it a resident moved away) and for
      // that resident, whose scope it may no longer read. Any other scope is refused outright.
      if (scope.kind === 'resident') continue;
      throw new HttpError(403, 'forbidden', `this device may not read ${scope.kind} ${scope.id}`);
    }
    const after = cursor === null ? { epoch, position: 0 } : parseCursor(cursor);
    if (after.epoch !== epoch || after.position > newest) {
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
