import type { SyncProblem } from './errors';

type SyncState = 'idle' | 'syncing' | 'offline' | 'error';

/**
 * What the client publishes after every step. Shaped like the contract's SyncStatus (the backend
 * passes it on as the `sync.status` event) plus a developer detail for logs.
 */
export interface SyncClientStatus {
  state: SyncState;
  /** Mutations written locally and not yet settled by the server. */
  pendingMutations: number;
  /** Mutations settled and changes pulled in the current (or last) sync. */
  pushed: number;
  pulled: number;
  lastSuccessAt: string | null;
  /**
   * Stable code of the last failure (`offline`, `upgrade_required`, `device_revoked` ...; see
   * SYNC_PROBLEMS), for the screens to translate; null after a success.
   */
  lastError: SyncProblem | null;
  /** English text for logs and facility IT; never shown to residents. */
  detail: string | null;
  nextAttemptAt: string | null;
}
