import type { Database } from 'better-sqlite3';
import type { MessageDirection, MessageStatus } from '../../../../domain/types';

export type MailFolder = 'inbox' | 'sent' | 'drafts';

export interface MessageRow {
  id: string;
  residentId: string;
  contactId: string;
  direction: MessageDirection;
  status: MessageStatus;
  subject: string;
  body: string;
  replyToId: string | null;
  stampCost: number;
  prepaidReplyStamps: number;
  isRead: boolean;
  statusReason: string | null;
  sortAt: string;
  sentAt: string | null;
  updatedAt: string;
}

export interface AttachmentRow {
  id: string;
  messageId: string;
  kind: 'photo' | 'ecard' | 'snapnsend' | 'videogram';
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  /** SHA-256 of the content, hex. */
  contentHash: string;
}

export interface MessageEventRow {
  status: string;
  at: string;
  note: string | null;
}

/** Keyset position: the last row of the previous page. */
export interface MailCursor {
  sortAt: string;
  id: string;
}

const columns = `id, resident_id AS residentId, contact_id AS contactId, direction, status,
  subject, body, reply_to_id AS replyToId, stamp_cost AS stampCost,
  prepaid_reply_stamps AS prepaidReplyStamps, is_read AS isRead, status_reason AS statusReason,
  sort_at AS sortAt, sent_at AS sentAt, updated_at AS updatedAt`;
type RawMessage = Omit<MessageRow, 'isRead'> & { isRead: number };
const toMessage = (row: RawMessage): MessageRow => ({ ...row, isRead: row.isRead === 1 });

export function createMailRepository(db: Database) {
  const insert = db.prepare(
    `INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body,
       reply_to_id, stamp_cost, prepaid_reply_stamps, is_read, status_reason, sort_at, sent_at,
       updated_at)
     VALUES (@id, @residentId, @contactId, @direction, @status, @subject, @body, @replyToId,
       @stampCost, @prepaidReplyStamps, @isRead, @statusReason, @sortAt, @sentAt, @updatedAt)`,
  );
  const firstPage = db.prepare<[string, string, number], RawMessage>(
    `SELECT ${columns} FROM messages WHERE resident_id = ? AND folder = ?
      ORDER BY sort_at DESC, id DESC LIMIT ?`,
  );
  const nextPage = db.prepare<[string, string, string, string, number], RawMessage>(
    `SELECT ${columns} FROM messages WHERE resident_id = ? AND folder = ?
        AND (sort_at, id) < (?, ?)
      ORDER BY sort_at DESC, id DESC LIMIT ?`,
  );
  const search = db.prepare<[string, string, number], RawMessage>(
    `SELECT ${columns} FROM messages
      WHERE seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)
        AND resident_id = ? AND status <> 'draft'
      ORDER BY sort_at DESC, id DESC LIMIT ?`,
  );
  const byId = db.prepare<[string], RawMessage>(`SELECT ${columns} FROM messages WHERE id = ?`);
  const updateDraft = db.prepare(
    `UPDATE messages SET contact_id = @contactId, subject = @subject, body = @body,
       reply_to_id = @replyToId, sort_at = @updatedAt, updated_at = @updatedAt
     WHERE id = @id AND status = 'draft'`,
  );
  const setStatus = db.prepare(
    `UPDATE messages SET status = @status, status_reason = @reason, stamp_cost = @stampCost,
       sent_at = coalesce(@sentAt, sent_at), sort_at = coalesce(@sentAt, sort_at),
       updated_at = @at
     WHERE id = @id`,
  );
  const markRead = db.prepare(
    `UPDATE messages SET is_read = 1, updated_at = ? WHERE id = ? AND is_read = 0`,
  );
  const deleteDraft = db.prepare(`DELETE FROM messages WHERE id = ? AND status = 'draft'`);
  const insertAttachment = db.prepare(
    `INSERT INTO message_attachments (id, message_id, kind, file_name, mime_type, size_bytes,
       content_hash)
     VALUES (@id, @messageId, @kind, @fileName, @mimeType, @sizeBytes, @contentHash)`,
  );
  const attachments = db.prepare<[string], AttachmentRow>(
    `SELECT id, message_id AS messageId, kind, file_name AS fileName, mime_type AS mimeType,
            size_bytes AS sizeBytes, content_hash AS contentHash
       FROM message_attachments WHERE message_id = ? ORDER BY id`,
  );
  const addEvent = db.prepare(
    `INSERT INTO message_events (message_id, status, at, note) VALUES (?, ?, ?, ?)`,
  );
  const events = db.prepare<[string], MessageEventRow>(
    `SELECT status, at, note FROM message_events WHERE message_id = ? ORDER BY at, id`,
  );
  const unreadCount = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM messages
      WHERE resident_id = ? AND folder = 'inbox' AND is_read = 0`,
  );

  return {
    insert(message: MessageRow): void {
      insert.run({ ...message, isRead: message.isRead ? 1 : 0 });
    },
    /** Newest first, `limit` rows after `cursor` (keyset paging: O(limit) at any depth). */
    page(residentId: string, folder: MailFolder, limit: number, cursor?: MailCursor): MessageRow[] {
      const rows = cursor
        ? nextPage.all(residentId, folder, cursor.sortAt, cursor.id, limit)
        : firstPage.all(residentId, folder, limit);
      return rows.map(toMessage);
    },
    /** `ftsQuery` must already be a safe FTS5 expression (see mail search in the services). */
    search(residentId: string, ftsQuery: string, limit: number): MessageRow[] {
      return search.all(ftsQuery, residentId, limit).map(toMessage);
    },
    byId(id: string): MessageRow | undefined {
      const row = byId.get(id);
      return row && toMessage(row);
    },
    updateDraft(
      draft: Pick<MessageRow, 'id' | 'contactId' | 'subject' | 'body' | 'replyToId' | 'updatedAt'>,
    ): boolean {
      return updateDraft.run(draft).changes === 1;
    },
    setStatus(change: {
      id: string;
      status: MessageStatus;
      reason: string | null;
      stampCost: number;
      sentAt: string | null;
      at: string;
    }): void {
      setStatus.run(change);
    },
    markRead: (id: string, at: string): boolean => markRead.run(at, id).changes === 1,
    deleteDraft: (id: string): boolean => deleteDraft.run(id).changes === 1,
    insertAttachment: (attachment: AttachmentRow): void => void insertAttachment.run(attachment),
    attachments: (messageId: string): AttachmentRow[] => attachments.all(messageId),
    addEvent(messageId: string, status: string, at: string, note: string | null = null): void {
      addEvent.run(messageId, status, at, note);
    },
    events: (messageId: string): MessageEventRow[] => events.all(messageId),
    unreadCount: (residentId: string): number => unreadCount.get(residentId)?.n ?? 0,
  };
}
