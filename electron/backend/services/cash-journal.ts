import { isoAt } from '../clock';
import type { BackendCore, CallContext } from '../context';
import { enqueueMutation } from '../store';

/**
 * What booking a cash session's money adds to the booking's transaction, after its mutation:
 * the session's kept purpose goes (its cash paid for it, so a restart does not settle it again),
 * and the bill journal's summary of the session is queued (`cash.journal`: what the acceptor
 * stacked, per denomination, for the central service's cash-box reconciliation; the service
 * meets the booked cash first and checks the two agree). A session that stacked no bill sends
 * no summary.
 */
export function closeCashSession(
  context: CallContext,
  cashSessionId: string,
  residentId: string,
): void {
  context.core.store.cashPurposes.remove(cashSessionId);
  const stacked = context.core.devices?.stackedCash(cashSessionId);
  if (!stacked) return;
  enqueueMutation(
    context.core.store,
    'cash.journal',
    { cashSessionId, residentId, ...stacked },
    context.now,
  );
}

/**
 * Queues the summary of each bill the acceptor credited outside any cash session (a bill left
 * in the acceptor, credited as it came back): a session of its own with no resident, so the
 * central report counts it in the journal as cash that paid for nothing. Each bill is marked
 * in the bill journal once its summary is committed; a restart between the two queues it again
 * under the same session id, which the service applies once.
 */
export function queueOrphanCash(core: BackendCore): void {
  const devices = core.devices;
  if (!devices) return;
  for (const orphan of devices.unqueuedOrphanCash()) {
    try {
      core.store.transaction(() =>
        enqueueMutation(
          core.store,
          'cash.journal',
          { cashSessionId: orphan.cashSessionId, residentId: null, ...orphan.stacked },
          isoAt(core.clock),
        ),
      );
      devices.orphanCashQueued(orphan.creditId);
    } catch (error) {
      // left unmarked, so the next start tries it again; the other bills still go
      core.logger.error(
        { err: error, creditId: orphan.creditId },
        'bill credited outside a cash session not queued',
      );
    }
  }
}
