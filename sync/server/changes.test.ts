import { assert, describe, expect, it } from 'vitest';
import { PullResponseSchema } from '../protocol';
import { ChangeBuffer } from './changes';
import type { AuthenticatedDevice } from './http/device-auth';
import { createPageSigner } from './page-signing';
import { pull } from './pull';
import type { Storage } from './storage/types';
import { STORAGE_KINDS, storageOpener } from './testing/storages';

const device: AuthenticatedDevice = {
  id: 'device-1',
  facilityId: 'f1',
  profile: 'kiosk',
  housingUnitId: null,
};
const scope = { kind: 'facility' as const, id: 'f1' };
const clock = () => new Date('2026-01-01T00:00:00Z');

async function pullFrom(storage: Storage, cursor: string | null) {
  const answer = await pull(
    storage,
    clock,
    device,
    { scopes: [{ scope, cursor }], limit: 100 },
    createPageSigner(storage),
  );
  const [page] = PullResponseSchema.parse(JSON.parse(answer)).pages;
  assert.isDefined(page, 'a page for the one scope asked');
  return page;
}

/** Resolves once another session waits on a lock (PostgreSQL); at once on SQLite's queue. */
async function someoneWaitsOnLock(storage: Storage): Promise<void> {
  if (storage.dialect !== 'postgres') return;
  for (let i = 0; i < 500; i += 1) {
    const row = await storage.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
    );
    if (Number(row?.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the second writer never waited for the position counter');
}

function block(id: string, chargebackId = 'cb1') {
  return {
    id,
    kind: 'card_receiver',
    subjectType: 'resident',
    subjectId: 'r1',
    chargebackId,
    since: '2026-01-01T00:00:00.000Z',
  };
}

function writer(storage: Storage, id: string, gate?: Promise<void>, onFlushed?: () => void) {
  return storage.transaction(async (tx) => {
    const changes = new ChangeBuffer();
    changes.upsert(scope, 'block', id, block(id));
    await changes.flush(tx);
    onFlushed?.();
    await gate;
  });
}

describe.each(STORAGE_KINDS)('change positions on %s', (kind) => {
  const open = storageOpener(kind);

  it('never lets a cursor skip a row that commits late', async () => {
    const storage = await open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The slow writer takes its position first and holds its transaction open ...
    let flushed!: () => void;
    const slowHasPosition = new Promise<void>((resolve) => (flushed = resolve));
    const slow = writer(storage, 'slow', gate, flushed);
    await slowHasPosition;
    // ... a fast writer starts after it and must queue behind it instead of committing first.
    const fast = writer(storage, 'fast');
    await someoneWaitsOnLock(storage);
    // SQLite has one connection: a reader queues behind the open transaction like the writer.
    const during = kind === 'postgres' ? await pullFrom(storage, null) : undefined;
    expect(during?.changes ?? []).toEqual([]);
    release();
    await Promise.all([slow, fast]);
    const after = await pullFrom(storage, during?.cursor ?? null);
    expect(after.changes.map((change) => change.id)).toEqual(['slow', 'fast']);
  });

  it('keeps one row per entity: the latest state at a new position, deletes as tombstones', async () => {
    const storage = await open();
    await storage.transaction(async (tx) => {
      const changes = new ChangeBuffer();
      changes.upsert(scope, 'block', 'b1', block('b1', 'cb-old'));
      changes.upsert(scope, 'block', 'b2', block('b2'));
      const mark = changes.mark();
      changes.upsert(scope, 'block', 'b3', block('b3'));
      changes.rollback(mark);
      changes.upsert(scope, 'block', 'b1', block('b1', 'cb-new'));
      await changes.flush(tx);
    });
    const first = await pullFrom(storage, null);
    expect(first.changes.map((c) => [c.id, c.position])).toEqual([
      ['b2', 1],
      ['b1', 2],
    ]);
    expect(first.changes[1]).toMatchObject({ data: { chargebackId: 'cb-new' } });
    await storage.transaction(async (tx) => {
      const changes = new ChangeBuffer();
      changes.remove(scope, 'block', 'b2');
      await changes.flush(tx);
    });
    const second = await pullFrom(storage, first.cursor);
    expect(second.changes).toEqual([{ op: 'delete', entity: 'block', id: 'b2', position: 3 }]);
  });
});
