import type { AttachmentRef } from '../../../protocol';
import { runPortableDdl, type CentralMigration } from './migration';

const TABLES = `
CREATE TABLE message_attachments (
  message_id TEXT NOT NULL REFERENCES messages(id), sha256 TEXT NOT NULL,
  PRIMARY KEY (message_id, sha256));
CREATE INDEX message_attachments_by_blob ON message_attachments (sha256);
CREATE TABLE blob_uploads (
  sha256 TEXT NOT NULL, uploader TEXT NOT NULL, message_id TEXT NOT NULL, size INTEGER NOT NULL,
  received INTEGER NOT NULL DEFAULT 0, complete INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
  PRIMARY KEY (sha256, uploader, message_id));
CREATE INDEX blob_uploads_by_uploader ON blob_uploads (uploader, created_at);
ALTER TABLE mail_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE mail_outbox ADD COLUMN last_error TEXT;
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at)
`;

/**
 * The review gate and the mail worker:
 * - `message_attachments`: which messages hold which blob (a blob is readable by whoever may
 *   read such a message), filled from the messages already stored;
 * - `blob_uploads`: each uploader's claim on a blob, bound to the message being composed, with
 *   its own progress (proof that the uploader has the bytes) and the basis of upload quotas;
 * - `mail_outbox`: attempts, the next attempt and the last error for the SMTP worker;
 * - inbound messages not released that earlier builds sent down to devices get a tombstone,
 *   so the devices delete them.
 */
export const migration004: CentralMigration = {
  version: 4,
  name: 'review-gate',
  async up(tx, dialect) {
    await runPortableDdl(tx, dialect, TABLES);
    const messages = await tx.all<{ id: string; attachments: string }>(
      "SELECT id, attachments FROM messages WHERE attachments <> '[]'",
    );
    for (const message of messages) {
      const hashes = new Set(
        (JSON.parse(message.attachments) as AttachmentRef[]).map((a) => a.sha256),
      );
      for (const sha256 of hashes) {
        await tx.run('INSERT INTO message_attachments (message_id, sha256) VALUES (?, ?)', [
          message.id,
          sha256,
        ]);
      }
    }
    const leaked = await tx.all<{ resident_id: string; id: string }>(
      `SELECT m.resident_id, m.id FROM messages m JOIN changes c
         ON c.scope_kind = 'resident' AND c.scope_id = m.resident_id AND c.entity = 'message'
        AND c.entity_id = m.id AND c.op = 'upsert'
       WHERE m.direction = 'inbound' AND m.status NOT IN ('released', 'delivered', 'read')
       ORDER BY m.sent_at, m.id`,
    );
    if (leaked.length === 0) return;
    const counter = await tx.get<{ value: number }>(
      "UPDATE counters SET value = value + ? WHERE name = 'position' RETURNING value",
      [leaked.length],
    );
    let position = Number(counter?.value ?? 0) - leaked.length;
    for (const message of leaked) {
      position += 1;
      await tx.run(
        `UPDATE changes SET op = 'delete', data = NULL, position = ?
         WHERE scope_kind = 'resident' AND scope_id = ? AND entity = 'message' AND entity_id = ?`,
        [position, message.resident_id, message.id],
      );
    }
  },
};
