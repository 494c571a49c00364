import type { Logger } from 'pino';
import {
  createHttpTransport,
  createSyncClient,
  type Backoff,
  type HttpTransportOptions,
  type SyncClient as CoreSyncClient,
  type SyncClientStatus,
} from '../../../sync/client';
import type { BlobQueue } from '../../../sync/client/blobs';
import type { SyncStatus } from '../../contract';
import type { SyncClient, SyncClientDeps } from '../ports';
import { chargeCardAtCentral } from './card-charges';
import { LATEST_SCHEMA_VERSION } from '../store';
import type { Touched } from './apply';
import { createBlobDownloads } from './blobs';
import { createSyncStorePort } from './port';

export interface BackendSyncOptions {
  appVersion: string;
  /** The central service; defaults to the address stored at enrollment. */
  serverUrl?: string;
  /** Pause between successful syncs (default 30 s). */
  intervalMs?: number;
  backoff?: Backoff;
  slowRetryMs?: number;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  pullLimit?: number;
  pushBatchSize?: number;
  /** Start syncing at once and on the timer (default true); false leaves it to syncNow. */
  autoStart?: boolean;
  now?: () => Date;
  logger?: Logger;
  /** Facility IT's lab override: plain http:// to a central service on another machine. */
  allowInsecureHttp?: boolean;
}

/** The backend's SyncClient, plus the engine for tests and the demo. */
export interface BackendSync extends SyncClient {
  readonly engine: CoreSyncClient;
  /** Attachment downloads (kicked after each pull that lands mail). */
  readonly blobs: BlobQueue;
}

/** The contract's SyncStatus: the client's status without the developer detail. */
export function toContractStatus({ detail: _detail, ...status }: SyncClientStatus): SyncStatus {
  return status;
}

/**
 * What `createBackend`'s sync option takes: given the store and the broadcast, it builds the
 * sync client over the store port and the signed HTTP transport, publishes `sync.status`, and
 * tells open screens about pulled and settled changes (`mail.changed`, `stamps.changed`,
 * `tickets.changed`).
 */
export function createBackendSync(options: BackendSyncOptions) {
  return ({ store, broadcast }: SyncClientDeps): BackendSync => {
    const now = options.now ?? (() => new Date());
    const onTouched = (touched: Touched) => {
      if (touched.messageIds.size) {
        broadcast('mail.changed', { messageIds: [...touched.messageIds] });
        blobs.kick();
      }
      if (touched.stamps) broadcast('stamps.changed', {});
      if (touched.ticketIds.size)
        broadcast('tickets.changed', { ticketIds: [...touched.ticketIds] });
    };
    const port = createSyncStorePort(store, { now: () => now().toISOString(), onTouched });
    const http: HttpTransportOptions = {
      baseUrl: () => options.serverUrl ?? store.credentials.get()?.serverUrl,
      appVersion: options.appVersion,
      schemaVersion: LATEST_SCHEMA_VERSION,
      credentials: () => port.credentials(),
      nextRequestCounter: () => port.nextRequestCounter(),
      timeoutMs: options.timeoutMs,
      allowInsecureHttp: options.allowInsecureHttp,
    };
    const transport = createHttpTransport(http);
    const blobs = createBlobDownloads(store, { http, broadcast, logger: options.logger });
    let lastProblem: string | null = null;
    const engine = createSyncClient({
      store: port,
      transport,
      now,
      intervalMs: options.intervalMs,
      backoff: options.backoff,
      slowRetryMs: options.slowRetryMs,
      pullLimit: options.pullLimit,
      pushBatchSize: options.pushBatchSize,
      onStatus(status) {
        if (status.state !== 'syncing' && status.lastError !== lastProblem) {
          lastProblem = status.lastError;
          if (status.lastError)
            options.logger?.warn(
              { problem: status.lastError, detail: status.detail },
              'sync failed',
            );
          else options.logger?.info('sync recovered');
        }
        broadcast('sync.status', toContractStatus(status));
      },
    });
    if (options.autoStart ?? true) {
      engine.start();
      blobs.start();
    }
    return {
      engine,
      status: () => toContractStatus(engine.status()),
      syncNow: async () => toContractStatus(await engine.syncNow()),
      poke: () => engine.poke(),
      chargeCard: (request) => chargeCardAtCentral(transport, request),
      blobs,
      close: async () => {
        await engine.stop();
        await blobs.stop();
      },
    };
  };
}
