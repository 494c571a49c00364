import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStorage } from './sqlite';

const PAGE = 4096;

describe('WAL checkpoints in a worker thread', () => {
  it('keeps the WAL from growing with every commit, and every commit stays readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeline-checkpoint-'));
    const path = join(dir, 'central.db');
    const storage = await openSqliteStorage(path);
    try {
      const bursts = 8;
      const perBurst = 250;
      for (let burst = 0; burst < bursts; burst += 1) {
        for (let i = 0; i < perBurst; i += 1) {
          // One commit each; not durable only to spare the test an fsync per row.
          await storage.transaction(
            (tx) =>
              tx.run('INSERT INTO meta (key, value) VALUES (?, ?)', [
                `k${burst}-${i}`,
                'x'.repeat(200),
              ]),
            { durable: false },
          );
        }
        // Time for the worker's timer (500 ms) to checkpoint what the burst wrote.
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      // Automatic checkpoints are off on the writer: without the worker every commit would stay
      // in the WAL (at least a page each). With it, the WAL restarts and holds about one burst.
      const walBytes = statSync(`${path}-wal`).size;
      expect(walBytes).toBeLessThan(bursts * perBurst * PAGE * 0.5);
      const row = await storage.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM meta WHERE key LIKE 'k%'",
      );
      expect(row?.n).toBe(bursts * perBurst);
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
