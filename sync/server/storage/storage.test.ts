import { describe, expect, it } from 'vitest';
import { STORAGE_KINDS, storageOpener } from '../testing/storages';

describe.each(STORAGE_KINDS)('storage on %s', (kind) => {
  const open = storageOpener(kind);

  it('rolls back a failed transaction entirely, and a failed savepoint alone', async () => {
    const storage = await open();
    await expect(
      storage.transaction(async (tx) => {
        await tx.run("INSERT INTO meta (key, value) VALUES ('a', '1')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await storage.get("SELECT value FROM meta WHERE key = 'a'")).toBeUndefined();

    await storage.transaction(async (tx) => {
      await tx.run("INSERT INTO meta (key, value) VALUES ('b', '1')");
      await tx
        .savepoint(async () => {
          await tx.run("INSERT INTO meta (key, value) VALUES ('c', '1')");
          // A constraint violation inside the savepoint must not poison the transaction.
          await tx.run("INSERT INTO meta (key, value) VALUES ('b', '2')");
        })
        .catch(() => undefined);
    });
    const keys = await storage.all<{ key: string }>(
      "SELECT key FROM meta WHERE key IN ('b', 'c') ORDER BY key",
    );
    expect(keys.map((row) => row.key)).toEqual(['b']);
  });

  it('rolls back a savepoint that changed megabytes, and keeps the ones around it', async () => {
    // Past 64 KiB SQLite's savepoint journal would spill to a temporary file; it is kept in memory.
    const storage = await open();
    const big = 'x'.repeat(100_000);
    await storage.transaction(async (tx) => {
      await tx.savepoint(() => tx.run("INSERT INTO meta (key, value) VALUES ('kept-1', ?)", [big]));
      await tx
        .savepoint(async () => {
          for (let i = 0; i < 30; i += 1) {
            await tx.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`gone-${i}`, big]);
          }
          await tx.run("UPDATE meta SET value = 'changed' WHERE key = 'kept-1'");
          throw new Error('refused');
        })
        .catch(() => undefined);
      await tx.savepoint(() => tx.run("INSERT INTO meta (key, value) VALUES ('kept-2', ?)", [big]));
    });
    const rows = await storage.all<{ key: string; value: string }>(
      "SELECT key, value FROM meta WHERE key LIKE 'kept-%' OR key LIKE 'gone-%' ORDER BY key",
    );
    expect(rows.map((row) => [row.key, row.value === big])).toEqual([
      ['kept-1', true],
      ['kept-2', true],
    ]);
  });
});

describe('storage on postgres: transient failures', () => {
  const open = storageOpener('postgres');

  it('retries a transaction chosen as a deadlock victim until it commits', async () => {
    const storage = await open();
    await storage.run("INSERT INTO counters (name, value) VALUES ('x', 0), ('y', 0)");
    let arrived = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const attempts = { xy: 0, yx: 0 };
    const bump = (first: string, second: string, label: 'xy' | 'yx') =>
      storage.transaction(async (tx) => {
        attempts[label] += 1;
        await tx.run('UPDATE counters SET value = value + 1 WHERE name = ?', [first]);
        if (attempts[label] === 1) {
          arrived += 1;
          if (arrived === 2) bothLocked();
          await barrier;
        }
        await tx.run('UPDATE counters SET value = value + 1 WHERE name = ?', [second]);
      });
    await Promise.all([bump('x', 'y', 'xy'), bump('y', 'x', 'yx')]);
    expect(attempts.xy + attempts.yx).toBe(3);
    const rows = await storage.all<{ value: number }>(
      "SELECT value FROM counters WHERE name IN ('x', 'y')",
    );
    expect(rows.map((row) => row.value)).toEqual([2, 2]);
  });
});
