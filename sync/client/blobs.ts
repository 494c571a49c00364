import { createHash } from 'node:crypto';
import { MAX_ATTACHMENT_BYTES } from '../protocol';
import { createBackoff, type Backoff } from './backoff';
import { SyncError } from './errors';

/**
 * The attachment download queue. Pulled messages carry attachment metadata (sha256, size); the
 * bytes come separately, by sha256, with Range requests from the first byte not yet held. Bytes
 * are kept in the local store as they arrive, so a broken download resumes where it stopped.
 * The whole blob is hashed before it becomes available; a mismatch discards it. It runs beside
 * the sync loop (never inside push or pull), a few blobs at a time, each failing blob waiting
 * out its own backoff.
 */

/** An attachment whose bytes are not (all) on the device. */
export interface MissingBlob {
  sha256: string;
  /** Size announced by the message (bytes). */
  size: number;
  /** Bytes already held from an interrupted download. */
  held: number;
}

/** The local store as the blob queue needs it (the device implements it over SQLite). */
export interface BlobStorePort {
  /** Attachments of stored messages without their bytes; started downloads first. */
  missingBlobs(limit: number): MissingBlob[];
  /**
   * Keeps bytes that arrived at `start`, which must be the number of bytes held (otherwise it
   * throws and keeps nothing: held bytes are never overwritten).
   */
  appendPartial(sha256: string, start: number, bytes: Uint8Array): void;
  /** The held bytes of a download, in order. */
  partialBytes(sha256: string): Uint8Array[];
  /** Stores the verified blob as available and drops its partial bytes, in one transaction. */
  completeBlob(sha256: string, data: Uint8Array): void;
  /** Drops the held bytes (they do not hash to the id, or the server's size differs). */
  discardPartial(sha256: string): void;
}

/** An answer to a ranged download, before its body is read. */
export interface BlobRangeAnswer {
  /** The blob's whole size according to the server. */
  total: number;
  /** The body: the bytes from the requested start on; errors are `SyncError`s. */
  chunks: AsyncIterable<Uint8Array>;
}

/** How the queue downloads; sync/client/blobs-http.ts signs it like every device request. */
export interface BlobTransport {
  /** Bytes `start` to `end` (inclusive) of the blob `sha256`; `signal` aborts it (stop). */
  fetchRange(
    sha256: string,
    start: number,
    end: number,
    signal?: AbortSignal,
  ): Promise<BlobRangeAnswer>;
}

export interface BlobQueueOptions {
  store: BlobStorePort;
  transport: BlobTransport;
  /** Blobs downloaded at the same time (default 2). */
  concurrency?: number;
  /** Largest range asked for in one request (default 4 MiB). */
  requestBytes?: number;
  /** Bytes gathered before they are written to the store (default 256 KiB). */
  flushBytes?: number;
  /** A fresh backoff for each failing blob (default 2 s doubling to 10 min, full jitter). */
  backoff?: () => Backoff;
  /** Milliseconds clock for retry times. */
  now?: () => number;
  /** A download failed (it is retried after its backoff); for the log. */
  onFailure?: (sha256: string, error: SyncError) => void;
}

/** What one `drain` did. */
interface DrainResult {
  completed: string[];
  failed: { sha256: string; error: SyncError }[];
}

export interface BlobQueue {
  /** Retries failed downloads on a timer when their backoff ends. */
  start(): void;
  /** New attachments may be missing (a pull landed): start what can start now. */
  kick(): void;
  /**
   * Tries every missing blob once now (backoff waits ignored), waiting for downloads already
   * running; resolves when all are done. For "sync now" and tests.
   */
  drain(): Promise<DrainResult>;
  /**
   * For good: no new downloads; running ones are cut (their bytes so far kept); resolves when
   * they end.
   */
  stop(): Promise<void>;
}

const LIST_LIMIT = 100;

export function createBlobQueue(options: BlobQueueOptions): BlobQueue {
  const { store, transport } = options;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const requestBytes = options.requestBytes ?? 4 * 1024 * 1024;
  const flushBytes = options.flushBytes ?? 256 * 1024;
  const newBackoff = options.backoff ?? (() => createBackoff({ baseMs: 2_000, maxMs: 600_000 }));
  const now = options.now ?? Date.now;

  const running = new Map<string, Promise<void>>();
  const retries = new Map<string, { backoff: Backoff; at: number }>();
  const drains = new Set<DrainResult & { attempted: Set<string> }>();
  let started = false;
  let kickPending = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopping = new AbortController();

  /** Starts downloads of missing blobs that `eligible` admits, up to the free slots. */
  function fill(eligible: (blob: MissingBlob) => boolean): void {
    if (stopped || running.size >= concurrency) return;
    let missing: MissingBlob[];
    try {
      missing = store.missingBlobs(LIST_LIMIT);
    } catch (error) {
      options.onFailure?.('', asSyncError(error));
      return;
    }
    if (missing.length < LIST_LIMIT) {
      // The whole list: forget retries of blobs no longer missing (their message went away).
      const listed = new Set(missing.map((blob) => blob.sha256));
      for (const id of retries.keys()) if (!listed.has(id)) retries.delete(id);
    }
    for (const blob of missing) {
      if (running.size >= concurrency) break;
      if (!running.has(blob.sha256) && eligible(blob)) launch(blob);
    }
  }

  const isDue = (blob: MissingBlob) => (retries.get(blob.sha256)?.at ?? 0) <= now();

  function launch(blob: MissingBlob): void {
    for (const drain of drains) drain.attempted.add(blob.sha256);
    const run = download(blob).then(
      () => {
        retries.delete(blob.sha256);
        for (const drain of drains) drain.completed.push(blob.sha256);
      },
      (cause: unknown) => {
        const error = asSyncError(cause);
        const retry = retries.get(blob.sha256) ?? { backoff: newBackoff(), at: 0 };
        retry.at = now() + retry.backoff.next();
        retries.set(blob.sha256, retry);
        for (const drain of drains) drain.failed.push({ sha256: blob.sha256, error });
        options.onFailure?.(blob.sha256, error);
      },
    );
    running.set(
      blob.sha256,
      run.finally(() => {
        running.delete(blob.sha256);
        fill(isDue);
        schedule();
      }),
    );
  }

  /**
   * Wakes up when the earliest backoff still ahead ends (only once started). Blobs already due
   * but waiting for a slot start when a running download ends.
   */
  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!started || stopped) return;
    const at = now();
    const ahead = [...retries]
      .filter(([id, retry]) => retry.at > at && !running.has(id))
      .map(([, retry]) => retry.at);
    if (ahead.length === 0) return;
    // A timer may fire a little early by the clock: `schedule` again re-arms what is not due.
    timer = setTimeout(
      () => {
        fill(isDue);
        schedule();
      },
      Math.min(...ahead) - at,
    );
    timer.unref?.();
  }

  async function download(blob: MissingBlob): Promise<void> {
    if (blob.size > MAX_ATTACHMENT_BYTES) {
      throw new SyncError('too_large', `attachment ${blob.sha256} is over the size limit`);
    }
    let held = blob.held;
    if (held > blob.size) {
      store.discardPartial(blob.sha256);
      held = 0;
    }
    while (held < blob.size) {
      const end = Math.min(blob.size, held + requestBytes) - 1;
      const answer = await transport.fetchRange(blob.sha256, held, end, stopping.signal);
      if (answer.total !== blob.size) {
        store.discardPartial(blob.sha256);
        throw new SyncError(
          'transient',
          `attachment ${blob.sha256}: the server holds ${answer.total} bytes, the message says ${blob.size}`,
        );
      }
      held = await receive(blob.sha256, held, end, answer.chunks);
    }
    const parts = store.partialBytes(blob.sha256);
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    if (hash.digest('hex') !== blob.sha256) {
      store.discardPartial(blob.sha256);
      throw new SyncError('transient', `attachment ${blob.sha256}: the bytes do not hash to it`);
    }
    store.completeBlob(blob.sha256, Buffer.concat(parts));
  }

  /**
   * Reads one ranged body, writing bytes to the store every `flushBytes` and whatever arrived
   * when the body breaks, so the next attempt starts after them. Returns the new held count.
   */
  async function receive(
    sha256: string,
    start: number,
    end: number,
    chunks: AsyncIterable<Uint8Array>,
  ): Promise<number> {
    let held = start;
    let pending: Uint8Array[] = [];
    let pendingLength = 0;
    const flush = () => {
      if (pendingLength === 0) return;
      store.appendPartial(sha256, held, Buffer.concat(pending));
      held += pendingLength;
      pending = [];
      pendingLength = 0;
    };
    try {
      for await (const bytes of chunks) {
        if (held + pendingLength + bytes.length > end + 1) {
          throw new SyncError('transient', `attachment ${sha256}: more bytes than asked for`);
        }
        pending.push(bytes);
        pendingLength += bytes.length;
        if (pendingLength >= flushBytes) flush();
      }
    } finally {
      flush();
    }
    if (held !== end + 1) {
      throw new SyncError('offline', `attachment ${sha256}: the answer ended at byte ${held}`);
    }
    return held;
  }

  return {
    start() {
      started = true;
      fill(isDue);
      schedule();
    },
    kick() {
      // After the pull's current step: many pages in a row ask for one look at the store.
      if (kickPending) return;
      kickPending = true;
      setImmediate(() => {
        kickPending = false;
        fill(isDue);
      });
    },
    async drain() {
      const drain = { completed: [], failed: [], attempted: new Set<string>() };
      drains.add(drain);
      try {
        for (;;) {
          await Promise.all(running.values());
          fill((blob) => !drain.attempted.has(blob.sha256));
          if (running.size === 0) break;
        }
      } finally {
        drains.delete(drain);
      }
      return { completed: drain.completed, failed: drain.failed };
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      stopping.abort();
      await Promise.all(running.values());
    },
  };
}

function asSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  return new SyncError('local_store', error instanceof Error ? error.message : String(error));
}
