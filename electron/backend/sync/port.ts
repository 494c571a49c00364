import type { MutationResult, Page, Scope } from '../../../sync/protocol';
import type { OutboxMutation, PullScope, SyncStorePort } from '../../../sync/client';
import type { Store } from '../store';
import { createChangeApplier, emptyTouched, scopeKey, type Touched } from './apply';
import { createOutcomeRecorder } from './outcomes';

export interface StorePortOptions {
  /** Local bookkeeping times only (updated_at columns, settle times). */
  now: () => string;
  /** After each committed transaction: what changed, for `mail.changed` and friends. */
  onTouched?: (touched: Touched) => void;
}

/**
 * Settled reservations are read by nothing (balances count pending ones only); they are kept this
 * long for support, then deleted with the next outcomes, so the table stays small for as long as
 * a kiosk is in service.
 */
const SETTLED_RESERVATION_DAYS = 30;

/** The scopes whose records decide which residents a device holds (least data). */
export function servingScopes(enrolled: {
  deviceId: string;
  facilityId: string;
  profile: string;
  housingUnitId: string | null;
}): Scope[] {
  const own: Scope = { kind: 'device', id: enrolled.deviceId };
  if (enrolled.profile === 'lobby') return [own, { kind: 'directory', id: enrolled.facilityId }];
  if (enrolled.profile === 'kiosk' && enrolled.housingUnitId !== null)
    return [own, { kind: 'unit', id: enrolled.housingUnitId }];
  return [own];
}

/**
 * The sync client's port over the device's store, written through its repositories. Every write
 * happens in one store transaction: a pulled page with its cursor, a batch of outcomes with their
 * consequences, an epoch reset with its re-queue.
 */
export function createSyncStorePort(store: Store, options: StorePortOptions): SyncStorePort {
  const { credentials } = store;
  const apply = createChangeApplier(store);
  const record = createOutcomeRecorder(store);

  const tell = (touched: Touched) => {
    if (touched.messageIds.size || touched.ticketIds.size || touched.stamps)
      options.onTouched?.(touched);
  };
  const saveState = (change: Partial<ReturnType<Store['sync']['state']>>) =>
    store.sync.saveState({ ...store.sync.state(), ...change });

  return {
    credentials() {
      const row = credentials.get();
      return (
        row && {
          deviceId: row.deviceId,
          privateKey: row.privateKey,
          servicePublicKey: row.servicePublicKey,
        }
      );
    },
    nextRequestCounter: () => credentials.nextCounter(),
    pinServiceKey: (publicKey) => void credentials.pinServiceKey(publicKey),

    unsettledMutations(limit): OutboxMutation[] {
      // Rows are protocol mutations since enqueue (checked there), so they go out as stored.
      return store.outbox.unsettled(limit).map((row) => ({
        seq: row.seq,
        id: row.mutationId,
        name: row.name,
        args: row.args,
        createdAt: row.createdAt,
      }));
    },
    unsettledCount() {
      const counts = store.outbox.counts();
      return counts.pending + counts.sent;
    },
    markSent(mutationIds) {
      store.outbox.markSent(mutationIds, options.now());
    },
    recordOutcomes(results: readonly MutationResult[]) {
      const at = options.now();
      const touched = emptyTouched();
      store.transaction(() => {
        for (const result of results) record(result, at, touched);
        const cutoff = Date.parse(at) - SETTLED_RESERVATION_DAYS * 86_400_000;
        store.stamps.pruneSettledReservations(new Date(cutoff).toISOString());
      });
      tell(touched);
    },

    /**
     * The scopes that say whom this device serves come first (its own, its unit's or the lobby's
     * directory), then the facility, then each resident served: a resident's record arrives from
     * the new scope before a tombstone from the old one is applied.
     */
    pullScopes(): PullScope[] {
      const enrolled = credentials.get();
      if (!enrolled) return [];
      const scopes: Scope[] = [
        ...servingScopes(enrolled),
        { kind: 'facility', id: enrolled.facilityId },
        ...store.residents.served().map((id) => ({ kind: 'resident' as const, id })),
      ];
      return scopes.map((scope) => ({ scope, cursor: store.sync.cursor(scopeKey(scope)) ?? null }));
    },
    applyPage(page: Page) {
      const at = options.now();
      const touched = emptyTouched();
      store.transaction(() => {
        apply(page.changes, page.scope, at, touched);
        // A resident's ledger arrives in their scope: their history is trimmed as it grows.
        if (page.scope.kind === 'resident') store.stamps.pruneHistory(page.scope.id);
        store.sync.saveCursor(scopeKey(page.scope), page.cursor, at);
      });
      tell(touched);
    },

    serverEpoch: () => store.sync.state().serverEpoch,
    saveServerEpoch: (epoch) => saveState({ serverEpoch: epoch }),
    resetForEpoch(epoch, highWaterMark) {
      store.transaction(() => {
        store.sync.clearCursors();
        saveState({ serverEpoch: epoch });
        store.outbox.requeueAppliedAfter(highWaterMark);
      });
    },

    recordAttempt({ at, ok, error }) {
      const state = store.sync.state();
      saveState({ lastSuccessAt: ok ? at : state.lastSuccessAt, lastError: error });
    },
    lastSuccessAt: () => store.sync.state().lastSuccessAt,
  };
}
