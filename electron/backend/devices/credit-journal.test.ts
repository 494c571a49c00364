import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { CreditJournal } from './credit-journal';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.cleanup()));

function journalFile() {
  const dir = tempDir('homeline-cash-journal-');
  dirs.push(dir);
  return join(dir.path, 'credits.db');
}

describe('cash journal (SQLite)', () => {
  it('keeps an escrowed bill across a restart and credits its value once', () => {
    const path = journalFile();
    const before = new CreditJournal(path);
    const billId = before.escrow(
      { device: 'cash', cents: 2000, currency: 'USD' },
      'session-1',
      't1',
    );
    before.move(billId, 'stacking', 't2');
    before.close(); // the app stops mid-stack

    const after = new CreditJournal(path);
    expect(after.open('cash')).toEqual({
      billId,
      device: 'cash',
      cents: 2000,
      currency: 'USD',
      state: 'stacking',
    });
    const first = after.credit(billId, 't3');
    const repeat = after.credit(billId, 't4'); // the acceptor reports vend valid again
    expect(first).toMatchObject({ fresh: true, cashSessionId: 'session-1' });
    expect(first.credit).toEqual({
      creditId: billId,
      device: 'cash',
      cents: 2000,
      currency: 'USD',
    });
    expect(repeat).toMatchObject({ fresh: false, credit: first.credit });
    expect(after.insertedCents('session-1')).toBe(2000);
    expect(after.open('cash')).toBeNull();
    after.close();

    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM cash_credits').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT state FROM cash_bills').get()).toEqual({ state: 'credited' });
    db.close();
  });

  it('a settled bill is never reopened or moved back', () => {
    const journal = new CreditJournal(journalFile());
    const billId = journal.escrow(
      { device: 'cash', cents: 500, currency: 'USD' },
      'session-2',
      't1',
    );
    journal.move(billId, 'returned', 't2');
    journal.move(billId, 'stacking', 't3');
    expect(journal.bill(billId)?.state).toBe('returned');
    expect(journal.open('cash')).toBeNull();
    expect(journal.insertedCents('session-2')).toBe(0);
    expect(() => journal.credit('cash:unknown', 't4')).toThrow(/no journaled bill/);
    journal.close();
  });
});
