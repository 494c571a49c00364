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
  const db = store.db;
  const statements = {
    settleReservations: db.prepare(
      `UPDATE stamp_reservations SET state = ?, settled_at = ? WHERE mutation_id = ? AND state = 'pending'`,
    ),
    settleHistory: db.prepare(
      `UPDATE stamp_history SET status = ? WHERE id = ? AND status = 'pending'`,
    ),
    messageSent: db.prepare(
      `UPDATE messages SET status = 'sent', status_reason = NULL, updated_at = ?
        WHERE id = ? AND status = 'queued'`,
    ),
    // Back to drafts with the reason; the stamps it held are released in the same transaction.
    messageRefused: db.prepare(
      `UPDATE messages SET status = 'draft', status_reason = ?, updated_at = ?
        WHERE id = ? AND status IN ('queued', 'sent')`,
    ),
    addEvent: db.prepare(
      `INSERT INTO message_events (message_id, status, at, reason) VALUES (?, ?, ?, ?)`,
    ),
    settlePurchase: db.prepare(
      `UPDATE stamp_purchases SET status = ? WHERE id = ? AND status = 'pending'`,
    ),
    settleDeposit: db.prepare(`UPDATE deposits SET status = ? WHERE id = ? AND status = 'pending'`),
  };

  function mailSend(
    args: unknown,
    mutationId: string,
    applied: boolean,
    reason: string | null,
    at: string,
    touched: Touched,
  ) {
    statements.settleReservations.run(applied ? 'confirmed' : 'released', at, mutationId);
    statements.settleHistory.run(applied ? 'confirmed' : 'refused', mutationId);
    touched.stamps = true;
    const messageId = field(args, 'messageId');
    if (!messageId) return;
    const changed = applied
      ? statements.messageSent.run(at, messageId).changes
      : statements.messageRefused.run(reason, at, messageId).changes;
    if (changed === 1) {
      statements.addEvent.run(messageId, applied ? 'sent' : 'draft', at, applied ? null : reason);
      touched.messageIds.add(messageId);
    }
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
          statements.settlePurchase.run(status, id);
          statements.settleHistory.run(status, id);
        }
        touched.stamps = true;
        return;
      }
      case 'deposit.create': {
        const id = field(row.args, 'depositId');
        if (id) statements.settleDeposit.run(status, id);
        return;
      }
      default:
        return;
    }
  };
}
