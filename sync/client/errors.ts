/**
 * Why a sync attempt failed, in the terms the client acts on:
 * - offline: no answer at all (refused, reset, timed out, DNS) -> retry with backoff;
 * - transient: the server answered but could not do it now (5xx, 429), or the answer was broken
 *   (truncated, not the protocol's shape, checksum mismatch) -> retry with backoff;
 * - too_large: the request body was over the server's limit -> retry with a smaller batch;
 * - epoch_changed: the server was restored from an older copy -> reset cursors and re-push;
 * - upgrade_required: this app is too old for the server -> surfaced, retried slowly;
 * - unauthorized / device_revoked / not_enrolled: needs facility IT -> surfaced, retried slowly;
 * - rejected_request: the server refused the request itself (400): a bug on one side;
 * - local_store: the device's own store failed while recording what the server said;
 * - page_signature_invalid: a pull page without a valid signature of the pinned service key
 *   (rewritten on the path, or replayed from another device or request) -> surfaced, retried;
 * - insecure_url: a plain http:// central URL off this machine without the lab override.
 */
import type { SyncProblem } from '../../domain/types';

export { type SyncProblem } from '../../domain/types';

export class SyncError extends Error {
  constructor(
    readonly problem: SyncProblem,
    message: string,
    /** For epoch_changed: the server's new epoch. */
    readonly epoch?: string,
    /** The service's own error code when it answered one (e.g. card_declined), and the
     * processor's reason for a card refusal. */
    readonly refusal?: { code: string; declineCode?: string },
  ) {
    super(message);
    this.name = 'SyncError';
  }

  /** Problems that can clear by themselves, so the next retry comes soon (with backoff). */
  get transient(): boolean {
    return (
      this.problem === 'offline' ||
      this.problem === 'transient' ||
      this.problem === 'too_large' ||
      this.problem === 'local_store'
    );
  }
}
