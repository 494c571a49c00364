import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../testing/postgres';
import { STORAGE_KINDS, type StorageKind } from '../testing/storages';
import { CentralMigrationError, CentralSchemaFromFutureError, migrateCentral } from './migrate';
import { CENTRAL_MIGRATIONS, LATEST_CENTRAL_SCHEMA_VERSION } from './migrations';
import { migration010 } from './migrations/010-unbooked-cash-journals';
import { ddlFor } from './migrations/migration';
import { openPostgresStorage } from './postgres';
import { openSqliteStorage } from './sqlite';
import type { Storage } from './types';

const FIRST_RELEASE = readFileSync(
  new URL('./fixtures/first-release.sql', import.meta.url),
  'utf8',
);

/** Raw databases (no migration run) that a test fills by hand, then opens as storage. */
function rawDatabases(kind: StorageKind) {
  let cluster: TestPostgres | undefined;
  let dir = '';
  let count = 0;
  const opened: Storage[] = [];
  beforeAll(async () => {
    if (kind === 'postgres') cluster = await startTestPostgres();
    else dir = mkdtempSync(join(tmpdir(), 'homeline-migrate-'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close().catch(() => undefined)));
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return async (sql: string) => {
    count += 1;
    let open: () => Promise<Storage>;
    if (kind === 'postgres') {
      const url = await cluster!.createDatabase();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        if (sql) await client.query(ddlFor('postgres', sql));
      } finally {
        await client.end();
      }
      open = () => openPostgresStorage(url);
    } else {
      const path = join(dir, `central-${count}.db`);
      const db = new Database(path);
      db.exec(sql);
      db.close();
      open = () => openSqliteStorage(path);
    }
    return async () => {
      const storage = await open();
      opened.push(storage);
      return storage;
    };
  };
}

async function version(storage: Storage): Promise<number> {
  const row = await storage.get<{ value: string }>(
    "SELECT value FROM meta WHERE key = 'schema_version'",
  );
  return Number(row?.value);
}

async function count(storage: Storage, table: string): Promise<number> {
  const row = await storage.get<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n);
}

describe.each(STORAGE_KINDS)('central migrations on %s', (kind) => {
  const database = rawDatabases(kind);

  it('migrates a database written by the first release forward, keeping every row', async () => {
    const open = await database(FIRST_RELEASE);
    const storage = await open();
    expect(await version(storage)).toBe(LATEST_CENTRAL_SCHEMA_VERSION);
    expect(await count(storage, 'residents')).toBe(3);
    expect(await count(storage, 'ledger')).toBe(6);
    // 13, and migration 8's sign-in records (unit scope) and directory entries for 3 residents.
    expect(await count(storage, 'changes')).toBe(19);
    const epoch = await storage.get<{ value: string }>(
      "SELECT value FROM meta WHERE key = 'epoch'",
    );
    expect(epoch?.value).toBe('d3ee7366-f7a2-4340-88fd-fd989040ee80');
    const message = await storage.get<{ body: string }>(
      "SELECT body FROM messages WHERE id = 'msg-1'",
    );
    expect(message?.body).toBe('Te extrañamos, hijo. Nos vemos el domingo.');
    const balance = await storage.get<{ cents: number | string }>(
      "SELECT cents FROM balances WHERE owner_type = 'resident' AND owner_id = 'demo-resident-1'",
    );
    expect(Number(balance?.cents)).toBe(2500);
  });

  it('puts first-release residents in one unit and takes their credentials out of the facility scope', async () => {
    const open = await database(FIRST_RELEASE);
    const storage = await open();
    const units = await storage.all<{ housing_unit_id: string }>(
      'SELECT DISTINCT housing_unit_id FROM residents',
    );
    expect(units).toEqual([{ housing_unit_id: 'fl-suwannee-ci-main' }]);
    const rows = await storage.all<{ scope_kind: string; op: string; data: string | null }>(
      "SELECT scope_kind, op, data FROM changes WHERE entity IN ('resident', 'directory_entry')",
    );
    const byScope = (scope: string) => rows.filter((row) => row.scope_kind === scope);
    expect(byScope('facility').map((row) => [row.op, row.data])).toEqual(
      Array.from({ length: 3 }, () => ['delete', null]),
    );
    expect(byScope('unit')).toHaveLength(3);
    expect(byScope('directory')).toHaveLength(3);
    for (const row of byScope('directory')) expect(row.data).not.toMatch(/pinHash|badge/);
    const badges = await storage.all<{ badge_id: string | null }>(
      'SELECT badge_id FROM residents WHERE badge_id IS NOT NULL',
    );
    expect(badges.length).toBeGreaterThan(0);
    for (const { badge_id } of badges)
      expect(rows.some((row) => row.data?.includes(badge_id!))).toBe(false);
  });

  it("keeps a customer's stamps of the single pool for one agency and prices stored messages per item", async () => {
    // A customer's pool and history as earlier builds kept them (no agency), and a photo message.
    const photo = { sha256: 'b'.repeat(64), mime: 'image/jpeg', size: 10, kind: 'photo' };
    const open = await database(
      `${FIRST_RELEASE}
      UPDATE balances SET stamps = 3 WHERE owner_type = 'customer' AND owner_id = 'cust-1';
      INSERT INTO ledger (id, owner_type, owner_id, account, customer_id, amount, kind, reference, created_at)
        VALUES ('l-c1', 'customer', 'cust-1', 'stamps', NULL, 5, 'adjustment', 'seed-c', '2026-11-01T12:00:00.000Z');
      INSERT INTO ledger (id, owner_type, owner_id, account, customer_id, amount, kind, reference, created_at)
        VALUES ('l-c2', 'customer', 'cust-1', 'stamps', NULL, -2, 'mail_send', 'msg-2', '2026-11-01T12:00:00.000Z');
      INSERT INTO messages (id, facility_id, resident_id, customer_id, direction, kind, subject, body,
        attachments, status, timeline, stamps_charged, prepaid_used, prepaid_attached, sent_at,
        expected_by, reject_reason, flags, escalated)
        VALUES ('msg-2', 'fl-suwannee-ci', 'demo-resident-1', 'cust-1', 'inbound', 'email', '', 'Hi',
        '${JSON.stringify([photo])}', 'in_review', '[]', 2, 0, 0, '2026-11-01T12:00:00.000Z',
        '2026-11-04T12:00:00.000Z', NULL, '[]', 0);`,
    );
    const storage = await open();
    expect(await storage.all('SELECT customer_id, agency, stamps FROM customer_stamps')).toEqual([
      { customer_id: 'cust-1', agency: 'FL', stamps: 3 },
    ]);
    expect(await count(storage, "balances WHERE owner_type = 'customer'")).toBe(0);
    const agencies = await storage.all<{ agency: string }>(
      "SELECT DISTINCT agency FROM ledger WHERE owner_type = 'customer'",
    );
    expect(agencies).toEqual([{ agency: 'FL' }]);
    const priced = await storage.get<{ item_stamps: string }>(
      "SELECT item_stamps FROM messages WHERE id = 'msg-2'",
    );
    expect(JSON.parse(priced!.item_stamps)).toEqual([1]);
  });

  it('tombstones an inbound message an earlier build sent to devices while it was in review', async () => {
    const leaked = `INSERT INTO changes (scope_kind, scope_id, entity, entity_id, op, data, position)
      VALUES ('resident', 'demo-resident-1', 'message', 'msg-1', 'upsert', '{"id":"msg-1"}', 14);
      UPDATE counters SET value = 14 WHERE name = 'position';`;
    const open = await database(`${FIRST_RELEASE}\n${leaked}`);
    const storage = await open();
    const change = await storage.get<{ op: string; data: string | null; position: number }>(
      "SELECT op, data, position FROM changes WHERE entity = 'message' AND entity_id = 'msg-1'",
    );
    expect({ ...change, position: Number(change?.position) }).toEqual({
      op: 'delete',
      data: null,
      position: 15,
    });
  });

  it('lets a cash journal name no resident, keeping the summaries already stored', async () => {
    const open = await database(FIRST_RELEASE);
    const storage = await open();
    await storage.run(
      `INSERT INTO devices (id, facility_id, profile, public_key, label, app_version, enrolled_at)
       VALUES ('lobby-1', 'fl-suwannee-ci', 'lobby', 'key', 'Lobby', '1.0.0', 't0')`,
    );
    const summary = (session: string, residentId: string | null) =>
      storage.run(
        `INSERT INTO cash_journals (cash_session_id, device_id, facility_id, resident_id,
           bill_count, total_cents, denominations, first_bill_at, last_bill_at, received_at)
         VALUES (?, 'lobby-1', 'fl-suwannee-ci', ?, 1, 500, '[{"cents":500,"count":1}]', 't1',
           't1', 't2')`,
        [session, residentId],
      );
    await summary('booked', 'demo-resident-1');
    await summary('orphan', null);
    // the step again over stored rows (on SQLite it rebuilds the table): nothing is lost
    await storage.transaction((tx) => migration010.up(tx, storage.dialect));
    expect(
      await storage.all('SELECT cash_session_id, resident_id FROM cash_journals ORDER BY 1'),
    ).toEqual([
      { cash_session_id: 'booked', resident_id: 'demo-resident-1' },
      { cash_session_id: 'orphan', resident_id: null },
    ]);
  });

  it('builds a new database to the latest version, and opening it again changes nothing', async () => {
    const open = await database('');
    const first = await open();
    expect(await version(first)).toBe(LATEST_CENTRAL_SCHEMA_VERSION);
    const epoch = await first.get("SELECT value FROM meta WHERE key = 'epoch'");
    expect(await migrateCentral(first)).toBe(LATEST_CENTRAL_SCHEMA_VERSION);
    expect(await first.get("SELECT value FROM meta WHERE key = 'epoch'")).toEqual(epoch);
    expect(await count(first, 'counters')).toBe(1);
  });

  it('refuses a database from a newer service and leaves it as it was', async () => {
    const newer = LATEST_CENTRAL_SCHEMA_VERSION + 3;
    const open = await database(
      `${FIRST_RELEASE}\nUPDATE meta SET value = '${newer}' WHERE key = 'schema_version';`,
    );
    await expect(open()).rejects.toBeInstanceOf(CentralSchemaFromFutureError);
    await expect(open()).rejects.toThrow(`schema version ${newer}`);
  });

  it('rolls a failed step back whole and keeps the version before it', async () => {
    const open = await database('');
    const storage = await open();
    const failing = {
      version: LATEST_CENTRAL_SCHEMA_VERSION + 1,
      name: 'half-done',
      async up(tx: Parameters<(typeof CENTRAL_MIGRATIONS)[number]['up']>[0]) {
        await tx.run('CREATE TABLE half_done (id TEXT PRIMARY KEY)');
        await tx.run("INSERT INTO meta (key, value) VALUES ('epoch', 'duplicate key')");
      },
    };
    await expect(
      migrateCentral(storage, { migrations: [...CENTRAL_MIGRATIONS, failing] }),
    ).rejects.toBeInstanceOf(CentralMigrationError);
    expect(await version(storage)).toBe(LATEST_CENTRAL_SCHEMA_VERSION);
    await expect(storage.get('SELECT COUNT(*) AS n FROM half_done')).rejects.toThrow();
  });

  it('rewrites change data stored as plain JSON by early builds into canonical JSON, once', async () => {
    const legacy = `${FIRST_RELEASE}
DELETE FROM meta WHERE key = 'changes_canonical';
UPDATE changes SET data = '{"value":1,"id":"x"}' WHERE entity_id = 'fl-suwannee-ci';`;
    const open = await database(legacy);
    const storage = await open();
    const row = await storage.get<{ data: string }>(
      "SELECT data FROM changes WHERE entity_id = 'fl-suwannee-ci'",
    );
    expect(row?.data).toBe('{"id":"x","value":1}');
  });
});
