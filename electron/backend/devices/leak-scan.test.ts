import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir';
import { scanForCardData } from './leak-scan';

const dirs: { cleanup(): void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.cleanup()));

function fresh() {
  const dir = tempDir('homeline-scan-');
  dirs.push(dir);
  return dir.path;
}

describe('card data leak scan', () => {
  it('finds numbers in log lines, UTF-16 text, INTEGER cells and track data', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'a.log'), '{"msg":"swiped","pan":"5555555555554444"}\n');
    writeFileSync(join(dir, 'b.log'), Buffer.from('card 4111111111111111', 'utf16le'));
    writeFileSync(join(dir, 'c.log'), ';4111111111111111=2412101?');
    const db = new Database(join(dir, 'd.db'));
    db.exec('CREATE TABLE t (n INTEGER) STRICT');
    db.prepare('INSERT INTO t VALUES (?)').run(2223003122003222n);
    db.close();
    const kinds = scanForCardData(dir).map(
      (finding) => `${finding.file.slice(dir.length + 1)}:${finding.kind}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'a.log:card_number',
        'b.log:card_number',
        'c.log:track_data',
        'd.db:card_number',
      ]),
    );
  });

  it('finds nothing in clean files (last four, tokens, ISO times, UUIDs)', () => {
    const dir = fresh();
    writeFileSync(
      join(dir, 'clean.log'),
      '{"time":"2026-11-25T09:00:00.000Z","last4":"1111","id":"0b9c7a3e-1d2f-4e5a-9b8c-123456789012",' +
        '"token":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}\n',
    );
    expect(scanForCardData(dir)).toEqual([]);
  });
});
