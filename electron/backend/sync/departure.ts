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
  const db = store.db;
  const statements = {
    heldBlobs: db.prepare<[string], { content_hash: string }>(
      `SELECT DISTINCT a.content_hash FROM message_attachments a
       JOIN messages m ON m.id = a.message_id WHERE m.resident_id = ?`,
    ),
    messageCount: db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM messages WHERE resident_id = ?`,
    ),
    depositCount: db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM deposits WHERE resident_id = ?`,
    ),
    deleteResident: db.prepare(`DELETE FROM residents WHERE id = ?`),
    keepForDeposits: db.prepare(
      `UPDATE residents SET active = 0, source_scope = NULL, badge_hash = NULL,
         tablet_serial = NULL, housing_unit_id = NULL WHERE id = ?`,
    ),
    deleteCredential: db.prepare(`DELETE FROM resident_credentials WHERE resident_id = ?`),
    dropUnheldBlob: db.prepare(
      `DELETE FROM blobs WHERE content_hash = @hash
       AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE content_hash = @hash)`,
    ),
    dropUnheldParts: db.prepare(
      `DELETE FROM blob_download_parts WHERE content_hash = @hash
       AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE content_hash = @hash)`,
    ),
    forgetCursor: db.prepare(`DELETE FROM sync_cursors WHERE scope = ?`),
    settledOutbox: db.prepare(
      `DELETE FROM outbox WHERE state IN ('applied', 'rejected')
       AND json_extract(args_json, '$.residentId') = ?`,
    ),
    auditLines: db.prepare(`DELETE FROM audit_log WHERE actor_id = @id OR subject_id = @id`),
    optimizeSearch: db.prepare(`INSERT INTO messages_fts (messages_fts) VALUES ('optimize')`),
    residentsFrom: db.prepare<[], { id: string; source_scope: string | null }>(
      `SELECT id, source_scope FROM residents WHERE source_scope IS NOT NULL`,
    ),
  };

  /** Drops the bytes, whole or half downloaded, of a blob no remaining message holds. */
  function dropUnheldBytes(hash: string): void {
    statements.dropUnheldBlob.run({ hash });
    statements.dropUnheldParts.run({ hash });
  }

  /** Removes one resident and everything of theirs; call inside a store transaction. */
  function depart(residentId: string): void {
    const hashes = statements.heldBlobs.all(residentId).map((row) => row.content_hash);
    const hadMail = (statements.messageCount.get(residentId)?.n ?? 0) > 0;
    if ((statements.depositCount.get(residentId)?.n ?? 0) > 0) {
      statements.keepForDeposits.run(residentId);
      statements.deleteCredential.run(residentId);
    } else statements.deleteResident.run(residentId);
    for (const hash of hashes) dropUnheldBytes(hash);
    statements.forgetCursor.run(`resident:${residentId}`);
    statements.settledOutbox.run(residentId);
    statements.auditLines.run({ id: residentId });
    if (hadMail) statements.optimizeSearch.run();
  }

  return {
    depart,
    dropUnheldBytes,
    /** Every resident whose record came from a scope this device no longer reads. */
    departAllBut(scopes: ReadonlySet<string>): void {
      for (const row of statements.residentsFrom.all())
        if (!scopes.has(row.source_scope!)) depart(row.id);
    },
  };
}
