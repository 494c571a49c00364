import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses the threshold and fsyncs the database file there: with better-sqlite3 that blocks the
 * event loop for 10-40 ms every ~1,000 commits, and every request waiting meanwhile shows it in
 * its latency (the pull benchmark's p99). Instead, a worker thread with its own connection runs
 * PASSIVE checkpoints on a timer: they never block the writer, and commits keep their own fsync
 * (synchronous=FULL), so durability is unchanged.
 */

// Plain CommonJS evaluated in the worker: no TypeScript loader needed there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy with another checkpoint or a closing database: the next tick tries again
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the timer and closes the worker's connection. */
  stop(): Promise<void>;
}

export function startCheckpointer(
  path: string,
  intervalMs: number,
  onFailure: (error: Error) => void,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, intervalMs },
  });
  worker.on('error', onFailure);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // The service's own handles keep the process alive, not this timer.
  worker.unref();
  return {
    async stop() {
      // Kept alive until it has closed its connection, even if nothing else holds the loop.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
