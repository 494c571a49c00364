import {
  MAX_PUSH_BATCH,
  DEFAULT_PULL_LIMIT,
  pageChecksum,
  type MutationResult,
  type Page,
  type PullResponse,
} from '../protocol';
import { createBackoff, type Backoff } from './backoff';
import { SyncError } from './errors';
import type { SyncTransport } from './http';
import { createPageVerifier } from './page-signature';
import type { PullScope, SyncStorePort } from './port';
import type { SyncClientStatus } from './status';

export interface SyncClientOptions {
  store: SyncStorePort;
  transport: SyncTransport;
  /** Called with every new status (start, progress, end of each sync). */
  onStatus?: (status: SyncClientStatus) => void;
  /** Only for status times (next attempt); never used for ordering. */
  now?: () => Date;
  /** Pause between successful syncs. */
  intervalMs?: number;
  /** Retry delays after transient failures. */
  backoff?: Backoff;
  /** Retry delay when people must act first (upgrade, revoked or unauthorized device). */
  slowRetryMs?: number;
  pushBatchSize?: number;
  pullLimit?: number;
}

export interface SyncClient {
  /** Syncs now and then on the timer, until stop(). */
  start(): void;
  /** Stops the timer and waits for a sync in progress. */
  stop(): Promise<void>;
  /** Syncs now (after the one in progress, if any) and returns the resulting status. */
  syncNow(): Promise<SyncClientStatus>;
  status(): SyncClientStatus;
  /** A local write happened: push it soon unless the client is already waiting out a failure. */
  poke(): void;
}

/** Whom pulled pages must be addressed to and whose key must sign them. */
interface PageSigner {
  deviceId: string;
  servicePublicKey: string;
}

/** The protocol's limit on scopes per pull request. */
const MAX_SCOPES_PER_PULL = 64;

/**
 * Push-then-pull sync, Replicache style: the outbox goes up in sequence order, each batch's
 * outcomes are recorded before the next batch; then every scope is pulled page by page, each
 * page verified and applied with its cursor in one local transaction.
 */
export function createSyncClient(options: SyncClientOptions): SyncClient {
  const { store, transport } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? 30_000;
  const slowRetryMs = options.slowRetryMs ?? 15 * 60_000;
  const backoff = options.backoff ?? createBackoff({ baseMs: 1_000, maxMs: 5 * 60_000 });
  const pushBatchSize = Math.min(options.pushBatchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH);
  const pullLimit = options.pullLimit ?? DEFAULT_PULL_LIMIT;

  let status: SyncClientStatus = {
    state: 'idle',
    pendingMutations: safeCount(store),
    pushed: 0,
    pulled: 0,
    lastSuccessAt: store.lastSuccessAt(),
    lastError: null,
    detail: null,
    nextAttemptAt: null,
  };
  const verifyPage = createPageVerifier();
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let queued: Promise<void> | undefined;

  const publish = (change: Partial<SyncClientStatus>) => {
    status = { ...status, ...change };
    // A failing subscriber must not stop the sync (nor leave a rejected promise behind).
    safely(() => options.onStatus?.(status));
  };

  /** One sync; never throws: every failure ends in the published status and a retry timer. */
  async function runOnce(): Promise<void> {
    clearTimeout(timer);
    publish({
      state: 'syncing',
      pushed: 0,
      pulled: 0,
      pendingMutations: safeCount(store),
      nextAttemptAt: null,
    });
    let delay: number;
    try {
      await pushAndPull();
      backoff.reset();
      delay = intervalMs;
      const at = now().toISOString();
      store.recordAttempt({ at, ok: true, error: null });
      publish({ state: 'idle', lastSuccessAt: at, lastError: null, detail: null });
    } catch (caught) {
      const error =
        caught instanceof SyncError
          ? caught
          : new SyncError('local_store', caught instanceof Error ? caught.message : String(caught));
      // Not enrolled is checked locally, without a request: look again soon, since enrollment
      // may finish at any moment (credentials are read per request).
      delay = error.transient
        ? backoff.next()
        : error.problem === 'not_enrolled'
          ? intervalMs
          : slowRetryMs;
      safely(() =>
        store.recordAttempt({ at: now().toISOString(), ok: false, error: error.problem }),
      );
      publish({
        state: error.problem === 'offline' ? 'offline' : 'error',
        lastError: error.problem,
        detail: error.message,
      });
    }
    publish({
      pendingMutations: safeCount(store),
      nextAttemptAt: started ? new Date(now().getTime() + delay).toISOString() : null,
    });
    if (started) schedule(delay);
  }

  async function pushAndPull(): Promise<void> {
    if (!store.credentials())
      throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
    await pushAll();
    try {
      await pullAll();
    } catch (error) {
      if (!(error instanceof SyncError) || error.problem !== 'epoch_changed' || !error.epoch)
        throw error;
      await resetForEpoch(error.epoch);
      await pushAll();
      await pullAll();
    }
  }

  /** The server was restored: see docs/sync.md "Server restore". */
  async function resetForEpoch(epoch: string): Promise<void> {
    const info = await transport.deviceInfo();
    if (info.epoch !== epoch) throw new SyncError('transient', 'the server epoch changed again');
    store.resetForEpoch(epoch, info.highWaterMark);
  }

  async function pushAll(): Promise<void> {
    let batchSize = pushBatchSize;
    for (;;) {
      const batch = store.unsettledMutations(batchSize);
      if (batch.length === 0) return;
      store.markSent(batch.map((mutation) => mutation.id));
      let results: MutationResult[];
      try {
        results = (await transport.push({ mutations: batch })).results;
      } catch (error) {
        if (!(error instanceof SyncError) || error.problem !== 'too_large') throw error;
        if (batch.length > 1) {
          batchSize = Math.ceil(batch.length / 2);
          continue;
        }
        // The server refused the body unread, so it never applied this mutation: settling it
        // here as rejected is safe, and it no longer blocks the ones behind it.
        // (batch holds exactly this one mutation here)
        results = [tooLarge(batch[0]!.id, batch[0]!.seq)];
      }
      const sent = new Set(batch.map((mutation) => mutation.id));
      const settled = results.filter((result) => sent.has(result.id));
      if (settled.length === 0)
        throw new SyncError('transient', 'the server settled none of the pushed mutations');
      recordLocally(() => store.recordOutcomes(settled));
      batchSize = Math.min(pushBatchSize, batchSize * 2);
      publish({ pushed: status.pushed + settled.length, pendingMutations: safeCount(store) });
    }
  }

  /**
   * Who the pages must be for and whose key must sign them. A device enrolled before pages were
   * signed pins the key from its first signed device-info answer (trust on first use, once).
   */
  async function pageSigner(): Promise<{ deviceId: string; servicePublicKey: string }> {
    const credentials = store.credentials();
    if (!credentials) throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
    if (credentials.servicePublicKey !== null)
      return { deviceId: credentials.deviceId, servicePublicKey: credentials.servicePublicKey };
    const { servicePublicKey } = await transport.deviceInfo();
    recordLocally(() => store.pinServiceKey(servicePublicKey));
    return { deviceId: credentials.deviceId, servicePublicKey };
  }

  async function pullAll(): Promise<void> {
    const signer = await pageSigner();
    // Until no scope is new: pulled facility data may reveal new (resident) scopes.
    for (;;) {
      const scopes = store.pullScopes();
      for (let i = 0; i < scopes.length; i += MAX_SCOPES_PER_PULL) {
        await drain(scopes.slice(i, i + MAX_SCOPES_PER_PULL), signer);
      }
      const known = new Set(scopes.map(scopeKey));
      if (!store.pullScopes().some((scope) => !known.has(scopeKey(scope)))) return;
    }
  }

  /**
   * Pulls these scopes until none has more. The next page is requested (with the cursors just
   * received) while the current one is verified and applied, so the server's work and the local
   * writes overlap. Pages are still applied strictly in order; if one fails, the page in flight
   * is dropped unread and the stored cursors stay at the last applied page.
   */
  async function drain(first: PullScope[], signer: PageSigner): Promise<void> {
    let asked = first;
    let inFlight: Promise<PullResponse> | undefined = ask(asked);
    while (inFlight) {
      const response: PullResponse = await inFlight;
      checkEpoch(response);
      const next: PullScope[] = response.pages
        .filter((page) => page.hasMore)
        .map((page) => ({ scope: page.scope, cursor: page.cursor }));
      inFlight = next.length > 0 ? ask(next) : undefined;
      await applyPages(asked, response.pages, signer);
      asked = next;
    }
  }

  /**
   * A pull request that may fail before anyone awaits it (while the previous page is applied):
   * marked handled at once, so it is never an unhandled rejection; awaiting it still throws.
   */
  function ask(scopes: PullScope[]): Promise<PullResponse> {
    const request = transport.pull({ scopes, limit: pullLimit });
    request.catch(() => undefined);
    return request;
  }

  function checkEpoch(response: PullResponse): void {
    const stored = store.serverEpoch();
    if (stored === null) recordLocally(() => store.saveServerEpoch(response.epoch));
    else if (stored !== response.epoch) {
      throw new SyncError(
        'epoch_changed',
        `server epoch ${stored} -> ${response.epoch}`,
        response.epoch,
      );
    }
  }

  /** Verifies and applies pages, each with its cursor; a bad page fails the pull after the good ones. */
  async function applyPages(
    requested: PullScope[],
    pages: Page[],
    signer: PageSigner,
  ): Promise<void> {
    const cursors = new Map(requested.map((entry) => [scopeKey(entry), entry.cursor]));
    let broken: string | undefined;
    let forged: string | undefined;
    for (const page of pages) {
      const key = scopeKey(page);
      if (!cursors.has(key)) {
        broken ??= `a page for scope ${key}, which was not asked for`;
        continue;
      }
      if ((await pageChecksum(page)) !== page.checksum) {
        broken ??= `page checksum mismatch for scope ${key}`;
        continue;
      }
      const cursor = cursors.get(key) ?? null;
      if (!verifyPage(signer.servicePublicKey, signer.deviceId, cursor, page)) {
        forged ??= `the page for scope ${key} is not signed by the pinned service key`;
        continue;
      }
      if (page.hasMore && page.cursor === cursors.get(key)) {
        broken ??= `paging of scope ${key} did not advance`;
        continue;
      }
      recordLocally(() => store.applyPage(page));
      publish({ pulled: status.pulled + page.changes.length });
    }
    // Good pages are kept (each with its cursor); the bad ones are fetched again on retry.
    if (forged) throw new SyncError('page_signature_invalid', `pull: ${forged}`);
    if (broken) throw new SyncError('transient', `pull: ${broken}`);
  }

  function schedule(delay: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => void request(), delay);
    // A pending retry must not keep a process (tests, CLI) alive on its own.
    timer.unref();
  }

  /** Runs a sync now, or once more right after the one in progress; concurrent asks share it. */
  function request(): Promise<void> {
    if (!current) {
      current = runOnce().finally(() => {
        current = undefined;
      });
      return current;
    }
    queued ??= current.then(() => {
      queued = undefined;
      return request();
    });
    return queued;
  }

  return {
    start() {
      if (started) return;
      started = true;
      void request();
    },
    async stop() {
      started = false;
      clearTimeout(timer);
      await queued;
      await current;
    },
    async syncNow() {
      await request();
      return status;
    },
    status: () => status,
    poke() {
      if (started && (status.state === 'idle' || status.state === 'syncing')) void request();
    },
  };
}

function scopeKey({ scope }: { scope: { kind: string; id: string } }): string {
  return `${scope.kind}:${scope.id}`;
}

function tooLarge(id: string, seq: number): MutationResult {
  const outcome = {
    status: 'rejected' as const,
    code: 'invalid_args' as const,
    reason: 'the mutation is larger than the central service accepts',
  };
  return { id, seq, status: 'rejected', outcome };
}

/** A local-store failure while recording a server answer: retried like a transient error. */
function recordLocally(work: () => void): void {
  try {
    work();
  } catch (error) {
    throw new SyncError(
      'local_store',
      `local store: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Runs side work (bookkeeping, notifying) whose failure must not change the sync's outcome. */
function safely(work: () => void): void {
  try {
    work();
  } catch {
    // Deliberately ignored: the sync's own result is what the status reports.
  }
}

function safeCount(store: SyncStorePort): number {
  try {
    return store.unsettledCount();
  } catch {
    return 0;
  }
}
