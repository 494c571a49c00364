import Database from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A 13-19 digit run that passes Luhn: what a card number looks like, whatever surrounds it. */
export function luhnRuns(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\d{13,}/g)) {
    const run = match[0];
    for (let length = 13; length <= 19; length += 1) {
      for (let start = 0; start + length <= run.length; start += 1) {
        const candidate = run.slice(start, start + length);
        if (luhn(candidate)) found.push(candidate);
      }
    }
  }
  return found;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Track 1 (`%B` + digits + `^`) and track 2 (`;` digits `=` digits) patterns. */
const TRACK = /%B\d{12,19}\^|;\d{12,19}=\d{4}/;

export interface LeakFinding {
  file: string;
  where: string;
  kind: 'card_number' | 'track_data';
}

/** The same bytes read as Latin-1 and as UTF-16 at both alignments. */
function textsOf(bytes: Buffer): string[] {
  return [
    bytes.toString('latin1'),
    bytes.toString('utf16le'),
    bytes.subarray(1).toString('utf16le'),
  ];
}

/**
 * Scans every file under `dir` for card numbers and track data: the raw bytes (as Latin-1 and
 * UTF-16 both ways) and, for SQLite databases, every cell of every table (so numbers stored as
 * INTEGER are seen too). Logs must use ISO timestamps: a 13-digit epoch in milliseconds passes
 * Luhn one time in ten.
 */
export function scanForCardData(dir: string): LeakFinding[] {
  const findings: LeakFinding[] = [];
  const check = (file: string, where: string, text: string) => {
    if (TRACK.test(text)) findings.push({ file, where, kind: 'track_data' });
    if (luhnRuns(text).length > 0) findings.push({ file, where, kind: 'card_number' });
  };
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    for (const text of textsOf(bytes)) check(file, 'bytes', text);
    if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000') {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
          name: string;
        }[];
        for (const { name } of tables) {
          for (const row of db
            .prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`)
            .raw()
            .iterate()) {
            for (const cell of row as unknown[]) check(file, `table ${name}`, String(cell));
          }
        }
      } finally {
        db.close();
      }
    }
  }
  return findings;
}
