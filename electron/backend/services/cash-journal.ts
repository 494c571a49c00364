import type { CallContext } from '../context';
import { enqueueMutation } from '../store';

/**
 * Queues the bill journal's summary of a cash session (`cash.journal`): what the acceptor
 * stacked, per denomination, for the central service's cash-box reconciliation. Runs inside the
 * transaction that books the session's deposit or purchase, after its mutation, so the service
 * meets the booked cash first and checks the two agree. A session that stacked no bill sends
 * nothing.
 */
export function enqueueCashJournal(
  context: CallContext,
  cashSessionId: string,
  residentId: string,
): void {
  const stacked = context.core.devices?.stackedCash(cashSessionId);
  if (!stacked) return;
  enqueueMutation(
    context.core.store,
    'cash.journal',
    { cashSessionId, residentId, ...stacked },
    context.now,
  );
}
