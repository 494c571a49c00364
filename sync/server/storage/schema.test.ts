import { describe, expect, it } from 'vitest';
import { STORAGE_KINDS, storageOpener } from '../testing/storages';
import { CENTRAL_TABLES, type ColumnAffinity, type ColumnSpec } from './schema';
import type { Storage } from './types';

type MigratedSchema = Record<string, Record<string, ColumnSpec>>;

function spec(affinity: ColumnAffinity, nullable: boolean, hasDefault: boolean): ColumnSpec {
  return `${affinity}${nullable ? '?' : hasDefault ? '=' : ''}`;
}

const SQLITE_AFFINITY: Record<string, ColumnAffinity> = {
  TEXT: 'text',
  INTEGER: 'integer',
  BLOB: 'blob',
};
const POSTGRES_AFFINITY: Record<string, ColumnAffinity> = {
  text: 'text',
  bigint: 'integer',
  bytea: 'blob',
};

function affinity(map: Record<string, ColumnAffinity>, type: string, where: string) {
  const found = map[type];
  if (!found) throw new Error(`${where}: column type ${type} has no place in CENTRAL_TABLES`);
  return found;
}

async function sqliteSchema(storage: Storage): Promise<MigratedSchema> {
  const tables = await storage.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  const schema: MigratedSchema = {};
  for (const { name } of tables) {
    const columns = await storage.all<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, [name]);
    schema[name] = Object.fromEntries(
      columns.map((column) => [
        column.name,
        // SQLite lets NULL into a key that is not an INTEGER PRIMARY KEY (a legacy quirk);
        // PostgreSQL refuses it, no code writes it, and the types say the key is never NULL.
        spec(
          affinity(SQLITE_AFFINITY, column.type, `${name}.${column.name}`),
          column.notnull === 0 && column.pk === 0,
          column.dflt_value !== null,
        ),
      ]),
    );
  }
  return schema;
}

async function postgresSchema(storage: Storage): Promise<MigratedSchema> {
  const columns = await storage.all<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: 'YES' | 'NO';
    column_default: string | null;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
     FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const schema: MigratedSchema = {};
  for (const column of columns) {
    const table = (schema[column.table_name] ??= {});
    table[column.column_name] = spec(
      affinity(POSTGRES_AFFINITY, column.data_type, `${column.table_name}.${column.column_name}`),
      column.is_nullable === 'YES',
      column.column_default !== null,
    );
  }
  return schema;
}

describe.each(STORAGE_KINDS)('the typed schema against the migrated database on %s', (kind) => {
  const open = storageOpener(kind);

  it('names every table and column the migrations make, with its type, NULL and default', async () => {
    const storage = await open();
    const migrated =
      kind === 'sqlite' ? await sqliteSchema(storage) : await postgresSchema(storage);
    expect(migrated).toEqual(CENTRAL_TABLES);
  });
});
