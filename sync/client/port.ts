import type { MutationResult, Page, Scope } from '../protocol';

/** An outbox row as the client pushes it. */
export interface OutboxMutation {
  /** Per-device sequence number, strictly increasing. */
  seq: number;
  /** The mutation's unique id (uuid). */
  id: string;
  name: string;
  args: unknown;
  /** Device clock when written; informational only. */
  createdAt: string;
}

/** What a device signs requests with (enrollment stored it in the local store). */
export interface DeviceCredentials {
  deviceId: string;
  /** Ed25519 private key, PKCS#8 DER, base64. */
  privateKey: string;
  /**
   * The central service's page-signing key pinned at enrollment; null only on a device enrolled
   * before pages were signed, which pins it from its first signed device-info answer.
   */
  servicePublicKey: string | null;
}

export interface PullScope {
  scope: Scope;
  /** Null before the first page of this scope. */
  cursor: string | null;
}

/**
 * The local store as the sync client needs it. The device implements it over its SQLite store
 * (electron/backend/sync); every method that writes runs in one local transaction.
 */
export interface SyncStorePort {
  /** Signing identity; undefined until the device is enrolled. */
  credentials(): DeviceCredentials | undefined;
  /**
   * The next request counter for anti-replay: strictly increasing for this device across
   * restarts (so it must be persisted, or leased in blocks).
   */
  nextRequestCounter(): number;
  /** Pins the service's page-signing key where none is pinned yet; never replaces one. */
  pinServiceKey(publicKey: string): void;

  /** Mutations not yet settled by the server (pending or sent), in sequence order. */
  unsettledMutations(limit: number): OutboxMutation[];
  /** How many mutations are not yet settled. */
  unsettledCount(): number;
  /** Counts an attempt on these mutations before they go out. */
  markSent(mutationIds: readonly string[]): void;
  /**
   * Records the server's outcomes and their local consequences (a refused send returns to
   * drafts and releases its stamps ...), all in one transaction. A result for a mutation that is
   * already settled changes nothing.
   */
  recordOutcomes(results: readonly MutationResult[]): void;

  /** The scopes to pull with their cursors; may grow as pulled data reveals new scopes. */
  pullScopes(): PullScope[];
  /** Applies one verified page and stores its cursor, in one transaction. */
  applyPage(page: Page): void;

  /** The server epoch the stored cursors belong to; null before the first sync. */
  serverEpoch(): string | null;
  /** Remembers the epoch (first contact). */
  saveServerEpoch(epoch: string): void;
  /**
   * The server was restored from an older copy: forget every cursor, remember the new epoch and
   * put mutations the server acknowledged after `highWaterMark` (the restored server's mark for
   * this device) back in the queue, so they are pushed again. One transaction.
   */
  resetForEpoch(epoch: string, highWaterMark: number): void;

  /** Remembers the outcome of a sync attempt (shown in maintenance screens). */
  recordAttempt(result: { at: string; ok: boolean; error: string | null }): void;
  /** When the last sync succeeded; null if never. */
  lastSuccessAt(): string | null;
}
