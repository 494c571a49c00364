import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo';
import { signedIn } from '../testing/sign-in';
import { startTestBackend, type TestBackend } from '../testing/test-backend';
import { storageFailure } from './storage-errors';

/**
 * Storage failures reach the screen as codes a person can act on, never `internal`: produced for
 * real by SQLite (a page limit fills the file; query_only makes it read-only).
 */
let t: TestBackend;
beforeEach(async () => {
  t = await startTestBackend();
});
afterEach(() => t.close());

const countDrafts = () =>
  t.backend.store.db
    .prepare<[], { n: number }>("SELECT count(*) AS n FROM messages WHERE status = 'draft'")
    .get()!.n;

async function saveDraft(me: Awaited<ReturnType<typeof signedIn>>) {
  return me.invoke('mail.saveDraft', {
    contactId: `${DEMO.residentId(0)}-c1`,
    subject: 'Hola',
    body: 'ñ'.repeat(4_000),
  });
}

describe('storage failures through the contract', () => {
  it('answers storage_full when the disk is full, and saves nothing', async () => {
    const me = await signedIn(t);
    const before = countDrafts();
    const db = t.backend.store.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    expect(await saveDraft(me)).toMatchObject({ ok: false, error: { code: 'storage_full' } });
    db.pragma('max_page_count = 1073741823');
    expect(countDrafts()).toBe(before);
  });

  it('answers storage_read_only when the store cannot be written', async () => {
    const me = await signedIn(t);
    t.backend.store.db.pragma('query_only = ON');
    expect(await saveDraft(me)).toMatchObject({ ok: false, error: { code: 'storage_read_only' } });
    t.backend.store.db.pragma('query_only = OFF');
  });

  it('sorts SQLite and OS failures by what a person can do', () => {
    const failure = (code: string) => storageFailure(Object.assign(new Error(code), { code }));
    expect(['SQLITE_FULL', 'ENOSPC', 'EFBIG'].map(failure)).toEqual(Array(3).fill('storage_full'));
    expect(['SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'EROFS'].map(failure)).toEqual(
      Array(3).fill('storage_read_only'),
    );
    expect(['SQLITE_IOERR_WRITE', 'SQLITE_CORRUPT', 'EIO'].map(failure)).toEqual(
      Array(3).fill('storage_failed'),
    );
    expect([failure('SQLITE_CONSTRAINT'), storageFailure(new Error('x'))]).toEqual([null, null]);
  });
});
