import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { CreditJournal } from '../devices/credit-journal';
import { tempDir } from '../testing/temp-dir';
import { openDatabase } from './database';

/**
 * One write path per table: a statement that inserts, updates or deletes rows of a device table
 * appears only in the file that owns the table. Every table of a freshly migrated store (and of
 * the cash journal, the kiosk's second database) must have an owner here, so a new table fails
 * this test until it is given one.
 */
const REPOSITORIES = 'electron/backend/store/repositories';
const OWNERS: Record<string, string> = {
  chargebacks: 'account',
  deposits: 'account',
  release_requests: 'account',
  release_events: 'account',
  audit_log: 'audit',
  blobs: 'blobs',
  blob_download_parts: 'blobs',
  blocks: 'blocks',
  contacts: 'contacts',
  sync_credentials: 'credentials',
  device_identity: 'identity',
  facility_config: 'identity',
  messages: 'mail',
  messages_fts: 'mail',
  message_events: 'mail',
  message_attachments: 'mail',
  outbox: 'outbox',
  cash_purposes: 'cash-purposes',
  residents: 'residents',
  resident_credentials: 'residents',
  badge_key: 'residents',
  sessions: 'sessions',
  stamp_balances: 'stamps',
  spendable_balances: 'stamps',
  stamp_history: 'stamps',
  stamp_purchases: 'stamps',
  stamp_reservations: 'stamps',
  prepaid_reply_holdings: 'stamps',
  sync_cursors: 'sync',
  sync_state: 'sync',
  tickets: 'tickets',
  ticket_messages: 'tickets',
};
/** Kept by triggers on their source table alone (migration 11): no statement may write them. */
const KEPT_BY_TRIGGERS = ['unread_counts'];
const CASH_JOURNAL = 'electron/backend/devices/credit-journal.ts';
// the device store's own `cash_` tables are listed; the other `cash_` tables are the journal's
const ownerFile = (table: string): string | undefined =>
  OWNERS[table]
    ? `${REPOSITORIES}/${OWNERS[table]}.ts`
    : table.startsWith('cash_')
      ? CASH_JOURNAL
      : undefined;

const root = fileURLToPath(new URL('../../..', import.meta.url));
/**
 * Where device code lives. The central service and the processor simulator (sync/server,
 * sync/processor) keep their own databases, and layering keeps them from importing the device
 * store; migrations are the schema's own history.
 */
const SCANNED = ['electron', 'sync'];
const NOT_DEVICE = ['sync/server/', 'sync/processor/', 'electron/backend/store/migrations/'];

/** A write statement found in a source file; `table` is null when built at run time. */
interface Write {
  file: string;
  table: string | null;
  statement: string;
}

/** Stands for a `${...}` inside a template: the table it names is unknown before run time. */
const HOLE = '\u0000';
const WRITES = [
  /\b(?:INSERT(?:\s+OR\s+[a-z]+)?\s+INTO|REPLACE\s+INTO|DELETE\s+FROM)\s+([^\s(,;]*)/gi,
  /\bUPDATE(?:\s+OR\s+[a-z]+)?\s+([^\s(,;]+)\s+SET\b/gi,
];

/** The text of every string and template literal of a source (comments are not code). */
function literals(source: string, file: string): string[] {
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text);
    else if (ts.isTemplateExpression(node))
      texts.push(
        node.head.text + node.templateSpans.map((span) => HOLE + span.literal.text).join(''),
      );
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false));
  return texts;
}

/** Every statement in `source` that writes rows, with the table it writes. */
function writesIn(source: string, file: string): Write[] {
  return literals(source, file).flatMap((text) =>
    WRITES.flatMap((pattern) =>
      [...text.matchAll(pattern)].map((match) => {
        const name = (match[1] ?? '').replace(/^["`[]|["`\]]$/g, '').toLowerCase();
        return {
          file,
          table: name === '' || name.includes(HOLE) ? null : name,
          statement: match[0].replaceAll(HOLE, '${…}'),
        };
      }),
    ),
  );
}

function sourceFiles(): string[] {
  return SCANNED.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .map((path) => join(dir, path).replaceAll('\\', '/'))
      .filter((path) => /\.tsx?$/.test(path) && !/\.test\.tsx?$/.test(path))
      .filter((path) => !NOT_DEVICE.some((prefix) => path.startsWith(prefix))),
  );
}

const dir = tempDir('homeline-write-paths-');
afterAll(() => dir.cleanup());

/** The tables of a database file, without SQLite's own and a virtual table's shadow tables. */
function tablesOf(db: Database.Database): string[] {
  const rows = db
    .prepare<[], { name: string; sql: string | null }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .all();
  const virtual = rows.filter((row) => /^CREATE VIRTUAL TABLE/i.test(row.sql ?? ''));
  return rows
    .map((row) => row.name)
    .filter((name) => !virtual.some((table) => name.startsWith(`${table.name}_`)))
    .sort();
}

function deviceTables(): string[] {
  const store = openDatabase(join(dir.path, 'store.db'));
  const journalPath = join(dir.path, 'journal.db');
  new CreditJournal(journalPath).close();
  const journal = new Database(journalPath, { readonly: true });
  try {
    return [...tablesOf(store), ...tablesOf(journal)].sort();
  } finally {
    store.close();
    journal.close();
  }
}

describe('one write path per device table', () => {
  const tables = deviceTables();
  const writes = sourceFiles().flatMap((file) =>
    writesIn(readFileSync(join(root, file), 'utf8'), file),
  );

  it('knows the owner of every table a migrated store and the cash journal hold', () => {
    expect(tables.length).toBeGreaterThan(30);
    expect(
      tables.filter((table) => ownerFile(table) === undefined && !KEPT_BY_TRIGGERS.includes(table)),
    ).toEqual([]);
    // A table renamed or dropped leaves no stale owner behind.
    expect(Object.keys(OWNERS).filter((table) => !tables.includes(table))).toEqual([]);
  });

  it('finds each table written in its owner (the scanner sees the repositories)', () => {
    const unwritten = tables.filter(
      (table) =>
        !KEPT_BY_TRIGGERS.includes(table) &&
        !writes.some((write) => write.table === table && write.file === ownerFile(table)),
    );
    expect(unwritten).toEqual([]);
  });

  it('finds no write outside the owner, and none to a table named at run time', () => {
    const stray = writes
      .filter((write) => write.table === null || write.file !== ownerFile(write.table))
      .map((write) => `${write.file}: ${write.statement}`);
    expect(stray).toEqual([]);
  });

  it('reads statements, not comments, and sees upserts and built table names', () => {
    const source = `
      // DELETE FROM messages: a comment is not a statement
      db.prepare(\`UPDATE OR IGNORE "messages" SET status = 'sent' WHERE id = ?\`);
      db.prepare('INSERT INTO stamp_history (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET id = 1');
      db.exec(\`DELETE FROM \${table} WHERE id = 1\`);
      const text = 'update the screen, then set it';`;
    expect(writesIn(source, 'x.ts').map(({ table, statement }) => ({ table, statement }))).toEqual([
      { table: 'messages', statement: `UPDATE OR IGNORE "messages" SET` },
      { table: 'stamp_history', statement: 'INSERT INTO stamp_history' },
      { table: null, statement: 'DELETE FROM ${…}' },
    ]);
  });
});
