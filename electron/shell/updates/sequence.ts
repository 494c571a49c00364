import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** The highest manifest sequence this device has accepted, per update channel. */
export interface SequenceMemory {
  highest(channel: string): number;
  remember(channel: string, sequence: number): void;
}

const StoredSchema = z.record(z.string(), z.number().int().nonnegative());

/**
 * Kept in a small 0600 JSON file in the data folder, replaced atomically (write, sync, rename), so
 * a crash leaves the old or the new mark, never a torn one. An unreadable file counts as nothing
 * seen (the expiry still bounds what a replay can offer).
 */
export function fileSequenceMemory(path: string): SequenceMemory {
  let marks: Record<string, number>;
  try {
    marks = StoredSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    marks = {};
  }
  return {
    highest: (channel) => marks[channel] ?? 0,
    remember(channel, sequence) {
      if (sequence <= (marks[channel] ?? 0)) return;
      marks = { ...marks, [channel]: sequence };
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.tmp`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(marks));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, path);
    },
  };
}
