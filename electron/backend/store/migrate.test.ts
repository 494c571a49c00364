import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { openDatabase } from './database';
import { DatabaseFromFutureError, StoreError } from './errors';
import { migrate, schemaVersion } from './migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations';
import { createStore } from './store';

let dir: ReturnType<typeof tempDir>;
let path: string;
beforeEach(() => {
  dir = tempDir();
  path = join(dir.path, 'device.db');
});
afterEach(() => dir.cleanup());

const at = '2026-01-01T00:00:00.000Z';

/** Fixture rows valid at schema version 1 (written with plain SQL, as v1 code would have). */
function insertVersion1Fixtures(db: Database.Database): void {
  db.exec(`
    INSERT INTO residents (id, facility_id, state, doc_number, first_name, last_name, updated_at)
      VALUES ('r1', 'fac', 'FL', 'S100001', 'Ana', 'Diaz', '${at}');
    INSERT INTO contacts (id, resident_id, customer_id, display_name, email, updated_at)
      VALUES ('c1', 'r1', 'cust1', 'Maria', 'maria@example.com', '${at}');
    INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body, sort_at,
        updated_at)
      VALUES ('m1', 'r1', 'c1', 'inbound', 'delivered', 'Birthday party', 'Cake and candles', '${at}', '${at}'),
             ('m2', 'r1', 'c1', 'outbound', 'sent', 'Cumpleaños', 'Gracias por la tarjeta', '${at}', '${at}');
  `);
}

describe('migrations', () => {
  it('are numbered 1..N in order, so user_version equals the number of applied steps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('build the newest schema from an empty file with the pragmas the architecture asks for', () => {
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    const tables = db
      .prepare<[], { name: string; sql: string }>(
        `SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT LIKE 'messages_fts%'`,
      )
      .all();
    expect(tables.length).toBeGreaterThan(15);
    for (const table of tables) expect(table.sql, table.name).toMatch(/\)\s*STRICT$/);
    db.close();
  });

  it('index mail that existed before the search index (1 -> latest)', () => {
    const v1 = openDatabase(path, { targetVersion: 1 });
    expect(schemaVersion(v1)).toBe(1);
    insertVersion1Fixtures(v1);
    v1.close();

    const store = createStore(openDatabase(path));
    expect(schemaVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(store.mail.search('r1', '"cake"*', 10).map((m) => m.id)).toEqual(['m1']);
    expect(store.mail.search('r1', '"cumpleanos"', 10).map((m) => m.id)).toEqual(['m2']);
    expect(store.mail.page('r1', 'inbox', 10).map((m) => m.id)).toEqual(['m1']);
    // counted once at migration 11 from the letters already there, then kept by triggers
    expect(store.mail.unreadCount('r1')).toBe(1);
    expect(store.mail.markRead('m1', at)).toBe(true);
    expect(store.mail.unreadCount('r1')).toBe(0);
    store.close();
  });

  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))(
    'step from version %i to the next and on to the newest with the mail intact and searchable',
    (version) => {
      const old = openDatabase(path, { targetVersion: version });
      insertVersion1Fixtures(old);
      old.close();
      const next = openDatabase(path, { targetVersion: version + 1 });
      expect(schemaVersion(next)).toBe(version + 1);
      next.close();
      const store = createStore(openDatabase(path));
      expect(store.mail.byId('m1')).toMatchObject({ subject: 'Birthday party', residentId: 'r1' });
      expect(store.mail.search('r1', '"candles"', 10).map((m) => m.id)).toEqual(['m1']);
      expect(store.mail.search('r2', '"candles"', 10)).toEqual([]);
      store.close();
    },
  );

  it('refuse a database written by a newer app and leave it untouched', () => {
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseFromFutureError);
    const again = new Database(path);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 5);
    again.close();
  });

  it('roll a failing step back whole and keep the previous version', () => {
    const db = openDatabase(path);
    const broken = [
      ...MIGRATIONS,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        name: 'broken',
        up(target: Database.Database) {
          target.exec('CREATE TABLE half_done (x INTEGER) STRICT');
          target.exec('INSERT INTO no_such_table VALUES (1)');
        },
      },
    ];
    expect(() => migrate(db, undefined, broken)).toThrow(StoreError);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(
      db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half_done'`).get(),
    ).toEqual({ n: 0 });
    db.close();
  });
});
