import type { MutationResult } from '../../../sync/protocol';
import type { Store } from '../store';
import type { Touched } from './apply';

/** Mutations whose outcome changes local rows beyond the outbox. */
const WITH_CONSEQUENCES = new Set(['mail.send', 'stamps.purchase', 'deposit.create']);

/** The id a mutation's args name, when they name one (the protocol args as queued). */
function field(args: unknown, name: string): string | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const value = (args as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Records the server's outcome of each pushed mutation and its local consequence, inside the
 * caller's transaction. A mutation already settled is left alone (a duplicate answer after a
 * lost response changes nothing twice).
 */
export function createOutcomeRecorder(store: Store) {
  function mailSend(
    args: unknown,
    mutationId: string,
    applied: boolean,
    reason: string | null,
    at: string,
    touched: Touched,
  ) {
    store.stamps.settleReservations(mutationId, applied ? 'confirmed' : 'released', at);
    store.stamps.settleEntry(mutationId, applied ? 'confirmed' : 'refused');
    touched.stamps = true;
    const messageId = field(args, 'messageId');
    if (messageId && store.mail.settleSend(messageId, applied, reason, at))
      touched.messageIds.add(messageId);
  }

  return function record(result: MutationResult, at: string, touched: Touched): void {
    const row = store.outbox.byMutationId(result.id);
    if (!row) return;
    const applied = result.outcome.status === 'applied';
    if (!store.outbox.settle(result.id, applied ? 'applied' : 'rejected', result.outcome, at))
      return;
    // Screens translate the stable code (e.g. insufficient_stamps); the English reason is logged.
    const reason = result.outcome.status === 'rejected' ? result.outcome.code : null;
    const status = applied ? 'confirmed' : 'refused';
    if (!WITH_CONSEQUENCES.has(row.name)) return;
    switch (row.name) {
      case 'mail.send':
        return mailSend(row.args, result.id, applied, reason, at, touched);
      case 'stamps.purchase': {
        // The purchase's id names both its row and its pending stamp history entry.
        const id = field(row.args, 'purchaseId');
        if (id) {
          store.stamps.settlePurchase(id, status);
          store.stamps.settleEntry(id, status);
        }
        touched.stamps = true;
        return;
      }
      case 'deposit.create': {
        const id = field(row.args, 'depositId');
        if (id) store.account.settleDeposit(id, status);
        return;
      }
      default:
        return;
    }
  };
}
