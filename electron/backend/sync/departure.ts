import type { Store } from '../store';

/**
 * A resident leaves this device's scope (moved to another unit, given another tablet, released,
 * or the device re-enrolled elsewhere): the device keeps nothing of them. Their row goes and with
 * it, by cascade, their PIN hash, contacts, messages (the search rows by trigger), stamps,
 * tickets and release requests; then the attachment bytes no remaining message holds, the cursor
 * of their scope (should they come back, everything is pulled again), settled outbox rows naming
 * them, and the local audit lines about them. The search index is optimized so deleted postings
 * do not linger in its segments. A lobby kiosk keeps the row of a resident its own cash deposits
 * name (the deposit is the kiosk's money record; no credentials are ever there), marked inactive.
 */
export function createResidentDeparture(store: Store) {
  /** Removes one resident and everything of theirs; call inside a store transaction. */
  function depart(residentId: string): void {
    const hashes = store.mail.contentHashesOfResident(residentId);
    const hadMail = store.mail.hasMail(residentId);
    if (store.account.hasDeposits(residentId)) store.residents.deactivate(residentId);
    else store.residents.remove(residentId);
    for (const hash of hashes) store.blobs.dropUnheld(hash);
    store.sync.forgetCursor(`resident:${residentId}`);
    store.outbox.forgetSettledOf(residentId);
    store.audit.forget(residentId);
    if (hadMail) store.mail.optimizeSearch();
  }

  return {
    depart,
    /** Every resident whose record came from a scope this device no longer reads. */
    departAllBut(scopes: ReadonlySet<string>): void {
      for (const row of store.residents.pulled()) if (!scopes.has(row.sourceScope)) depart(row.id);
    },
  };
}
