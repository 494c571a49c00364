import type { CallContext } from '../context';
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
