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
  ecard: boolean;
  readAt: string | null;
  statusReason: string | null;
  /** Stamps returned to the sender for what review rejected. */
  refundedStamps: number;
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
  status: MessageStatus;
  at: string;
  reason: string | null;
}

export interface MessageListRow extends MessageRow {
  contactName: string;
  attachmentCount: number;
}

/** A message written on this device (a draft, a seed): nothing of it has been refunded. */
export type LocalMessageRow = Omit<MessageRow, 'refundedStamps'>;

/**
 * A message as the central service sends it, in local columns: it replaces what the device had,
 * except a read time the device already recorded.
 */
export type ServerMessageRow = Omit<MessageRow, 'replyToId' | 'sortAt'>;

/** Keyset position: the last row of the previous page. */
export interface MailCursor {
  sortAt: string;
  id: string;
}

/** Message columns plus what a list row shows, for queries over `messages m`. */
const listColumns = `m.id, m.resident_id AS residentId, m.contact_id AS contactId, m.direction,
  m.status, m.subject, m.body, m.reply_to_id AS replyToId, m.stamp_cost AS stampCost,
  m.prepaid_reply_stamps AS prepaidReplyStamps, m.ecard, m.read_at AS readAt,
  m.status_reason AS statusReason, m.refunded_stamps AS refundedStamps, m.sort_at AS sortAt, m.sent_at AS sentAt,
  m.updated_at AS updatedAt,
  (SELECT display_name FROM contacts c WHERE c.id = m.contact_id) AS contactName,
  (SELECT count(*) FROM message_attachments a WHERE a.message_id = m.id) AS attachmentCount`;
type Raw<T extends MessageRow> = Omit<T, 'ecard'> & { ecard: number };
function toMessage<T extends MessageRow>(row: Raw<T>): T {
  return { ...row, ecard: row.ecard === 1 } as T;
}

/** The order of every mail list, as SQL sorts it: `sort_at DESC, id DESC` (binary text). */
const newestFirst = (a: MailCursor, b: MailCursor) =>
  a.sortAt === b.sortAt ? (a.id < b.id ? 1 : -1) : a.sortAt < b.sortAt ? 1 : -1;

/**
 * The first `limit` rows in list order, from rows that arrive by second of `sortAt`, newest
 * first, in any order within a second: reads on to the end of the second of the last row kept,
 * then sorts what it read. Rows of older seconds are never read.
 */
function newestPage<T extends MailCursor & { second: number }>(
  bySecond: Iterable<T>,
  limit: number,
): Omit<T, 'second'>[] {
  const read: T[] = [];
  for (const row of bySecond) {
    if (read.length >= limit && row.second !== read[read.length - 1]!.second) break;
    read.push(row);
  }
  return read
    .sort(newestFirst)
    .slice(0, limit)
    .map(({ second: _second, ...row }) => row);
}

export function createMailRepository(db: Database) {
  const insert = db.prepare(
    `INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body,
       reply_to_id, stamp_cost, prepaid_reply_stamps, ecard, read_at, status_reason, sort_at,
       sent_at, updated_at)
     VALUES (@id, @residentId, @contactId, @direction, @status, @subject, @body, @replyToId,
       @stampCost, @prepaidReplyStamps, @ecard, @readAt, @statusReason, @sortAt, @sentAt,
       @updatedAt)`,
  );
  const firstPage = db.prepare<[string, string, number], Raw<MessageListRow>>(
    `SELECT ${listColumns} FROM messages m WHERE m.resident_id = ? AND m.folder = ?
      ORDER BY m.sort_at DESC, m.id DESC LIMIT ?`,
  );
  const nextPage = db.prepare<[string, string, string, string, number], Raw<MessageListRow>>(
    `SELECT ${listColumns} FROM messages m WHERE m.resident_id = ? AND m.folder = ?
        AND (m.sort_at, m.id) < (?, ?)
      ORDER BY m.sort_at DESC, m.id DESC LIMIT ?`,
  );
  // Matches newest first: the full-text index is keyed by `search_key` (the second of `sort_at`,
  // then `seq`; migration 11), so FTS5 walks the resident's matches in that order and the caller
  // stops reading once it has a page. Drafts are never searched.
  const search = db.prepare<[{ expression: string }], Raw<MessageListRow> & { second: number }>(
    `SELECT ${listColumns}, m.search_key >> 30 AS second
       FROM messages_fts f JOIN messages m ON m.search_key = f.rowid
      WHERE messages_fts MATCH @expression AND m.folder <> 'drafts'
      ORDER BY f.rowid DESC`,
  );
  const byId = db.prepare<[string], Raw<MessageListRow>>(
    `SELECT ${listColumns} FROM messages m WHERE m.id = ?`,
  );
  const updateDraft = db.prepare(
    `UPDATE messages SET contact_id = @contactId, subject = @subject, body = @body,
       reply_to_id = @replyToId, ecard = @ecard, sort_at = @updatedAt, updated_at = @updatedAt
     WHERE id = @id AND status = 'draft'`,
  );
  const setStatus = db.prepare(
    `UPDATE messages SET status = @status, status_reason = @reason, stamp_cost = @stampCost,
       sent_at = coalesce(@sentAt, sent_at), sort_at = coalesce(@sentAt, sort_at),
       updated_at = @at
     WHERE id = @id`,
  );
  const markRead = db.prepare(
    `UPDATE messages SET read_at = @at, updated_at = @at WHERE id = @id AND read_at IS NULL`,
  );
  const deleteDraft = db.prepare(`DELETE FROM messages WHERE id = ? AND status = 'draft'`);
  const insertAttachment = db.prepare(
    `INSERT INTO message_attachments (id, message_id, kind, file_name, mime_type, size_bytes,
       content_hash)
     VALUES (@id, @messageId, @kind, @fileName, @mimeType, @sizeBytes, @contentHash)`,
  );
  const attachmentColumns = `a.id, a.message_id AS messageId, a.kind, a.file_name AS fileName,
    a.mime_type AS mimeType, a.size_bytes AS sizeBytes, a.content_hash AS contentHash,
    EXISTS (SELECT 1 FROM blobs b WHERE b.content_hash = a.content_hash) AS available`;
  const attachments = db.prepare<[string], AttachmentRow & { available: number }>(
    `SELECT ${attachmentColumns} FROM message_attachments a WHERE a.message_id = ? ORDER BY a.id`,
  );
  const attachment = db.prepare<[string], AttachmentRow & { residentId: string }>(
    `SELECT a.id, a.message_id AS messageId, a.kind, a.file_name AS fileName,
            a.mime_type AS mimeType, a.size_bytes AS sizeBytes, a.content_hash AS contentHash,
            m.resident_id AS residentId
       FROM message_attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`,
  );
  const addEvent = db.prepare(
    `INSERT INTO message_events (message_id, status, at, reason) VALUES (?, ?, ?, ?)`,
  );
  // The device's own steps, then the service's timeline stored with the row (migration 11);
  // at the same instant a local step comes first, as it happened first.
  const events = db.prepare<[{ id: string }], MessageEventRow>(
    `SELECT status, at, reason FROM (
       SELECT status, at, reason, 0 AS source, id AS n FROM message_events
        WHERE message_id = @id
       UNION ALL
       SELECT e.value ->> 'status', e.value ->> 'at', e.value ->> 'reason', 1, e.key
         FROM messages m, json_each(m.server_timeline_json) e WHERE m.id = @id)
     ORDER BY at, source, n`,
  );
  const unreadCount = db.prepare<[string], { n: number }>(
    `SELECT unread AS n FROM unread_counts WHERE resident_id = ?`,
  );
  const upsertServer = db.prepare(
    `INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body,
       reply_to_id, stamp_cost, prepaid_reply_stamps, ecard, read_at, status_reason,
       refunded_stamps, sort_at, sent_at, updated_at, server_timeline_json)
     VALUES (@id, @residentId, @contactId, @direction, @status, @subject, @body, NULL,
       @stampCost, @prepaidReplyStamps, @ecard, @readAt, @statusReason, @refundedStamps, @sentAt,
       @sentAt, @updatedAt, @serverTimeline)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, subject = excluded.subject,
       body = excluded.body, stamp_cost = excluded.stamp_cost,
       prepaid_reply_stamps = excluded.prepaid_reply_stamps,
       read_at = coalesce(messages.read_at, excluded.read_at),
       status_reason = excluded.status_reason, refunded_stamps = excluded.refunded_stamps,
       sent_at = excluded.sent_at, updated_at = excluded.updated_at,
       server_timeline_json = excluded.server_timeline_json`,
  );
  // Local steps (draft, queued) stay; the server's timeline (stored with the row) replaces the
  // rest, e.g. the `sent` step an outcome added.
  const clearServerEvents = db.prepare(
    `DELETE FROM message_events WHERE message_id = ? AND status NOT IN ('draft', 'queued')`,
  );
  const addServerAttachment = db.prepare(
    `INSERT INTO message_attachments (id, message_id, kind, file_name, mime_type, size_bytes,
       content_hash)
     VALUES (@id, @messageId, @kind, @fileName, @mimeType, @sizeBytes, @contentHash)
     ON CONFLICT (id) DO NOTHING`,
  );
  const stored = db.prepare<[string], { id: string }>(
    `SELECT id FROM messages WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const contentHashesOf = db.prepare<[string], { contentHash: string }>(
    `SELECT content_hash AS contentHash FROM message_attachments WHERE message_id = ?`,
  );
  const remove = db.prepare(`DELETE FROM messages WHERE id = ?`);
  const holding = db.prepare<[string], { id: string }>(
    `SELECT DISTINCT message_id AS id FROM message_attachments WHERE content_hash = ?`,
  );
  const sent = db.prepare(
    `UPDATE messages SET status = 'sent', status_reason = NULL, updated_at = @at
      WHERE id = @id AND status = 'queued'`,
  );
  // Back to drafts with the reason; the stamps it held are released in the same transaction.
  const refused = db.prepare(
    `UPDATE messages SET status = 'draft', status_reason = @reason, updated_at = @at
      WHERE id = @id AND status IN ('queued', 'sent')`,
  );
  const residentHashes = db.prepare<[string], { contentHash: string }>(
    `SELECT DISTINCT a.content_hash AS contentHash FROM message_attachments a
       JOIN messages m ON m.id = a.message_id WHERE m.resident_id = ?`,
  );
  const hasMail = db.prepare<[string], { found: number }>(
    `SELECT EXISTS (SELECT 1 FROM messages WHERE resident_id = ?) AS found`,
  );
  // Merges the search index's segments, so postings of deleted rows do not linger in them.
  const optimizeSearch = db.prepare(`INSERT INTO messages_fts (messages_fts) VALUES ('optimize')`);

  return {
    insert(message: LocalMessageRow): void {
      insert.run({ ...message, ecard: message.ecard ? 1 : 0 });
    },
    /** Newest first, `limit` rows after `cursor` (keyset paging: O(limit) at any depth). */
    page(
      residentId: string,
      folder: MailFolder,
      limit: number,
      cursor?: MailCursor,
    ): MessageListRow[] {
      const rows = cursor
        ? nextPage.all(residentId, folder, cursor.sortAt, cursor.id, limit)
        : firstPage.all(residentId, folder, limit);
      return rows.map(toMessage);
    },
    /**
     * Mail of one resident matching `terms`, a safe FTS5 expression over subject and body (see
     * `ftsQuery` in the mail service). The resident is matched inside the index (migration 4).
     */
    search(residentId: string, terms: string, limit: number): MessageListRow[] {
      const owner = `"${residentId.replaceAll('"', '""')}"`;
      const expression = `resident_id : ${owner} AND {subject body} : (${terms})`;
      return newestPage(search.iterate({ expression }), limit).map((row) =>
        toMessage<MessageListRow>(row),
      );
    },
    byId(id: string): MessageListRow | undefined {
      const row = byId.get(id);
      return row && toMessage(row);
    },
    updateDraft(
      draft: Pick<
        MessageRow,
        'id' | 'contactId' | 'subject' | 'body' | 'replyToId' | 'ecard' | 'updatedAt'
      >,
    ): boolean {
      return updateDraft.run({ ...draft, ecard: draft.ecard ? 1 : 0 }).changes === 1;
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
    markRead: (id: string, at: string): boolean => markRead.run({ id, at }).changes === 1,
    deleteDraft: (id: string): boolean => deleteDraft.run(id).changes === 1,
    insertAttachment: (attachment: AttachmentRow): void => void insertAttachment.run(attachment),
    attachments: (messageId: string): (AttachmentRow & { available: boolean })[] =>
      attachments.all(messageId).map((row) => ({ ...row, available: row.available === 1 })),
    /** One attachment with the resident who owns its message, for the access check. */
    attachment: (id: string) => attachment.get(id),
    addEvent(
      messageId: string,
      status: MessageStatus,
      at: string,
      reason: string | null = null,
    ): void {
      addEvent.run(messageId, status, at, reason);
    },
    events: (messageId: string): MessageEventRow[] => events.all({ id: messageId }),
    unreadCount: (residentId: string): number => unreadCount.get(residentId)?.n ?? 0,
    /** Which of these messages are stored. */
    stored(ids: readonly string[]): Set<string> {
      if (!ids.length) return new Set();
      return new Set(stored.all(JSON.stringify(ids)).map((row) => row.id));
    },
    /**
     * A pulled message with its server timeline (one JSON column, not a row per step) and
     * attachments. `wasStored`: the message was here before, so steps an outcome added locally
     * give way to the server's.
     */
    applyServerMessage(
      message: ServerMessageRow,
      timeline: readonly MessageEventRow[],
      attachments: readonly AttachmentRow[],
      wasStored: boolean,
    ): void {
      upsertServer.run({
        ...message,
        ecard: message.ecard ? 1 : 0,
        serverTimeline: JSON.stringify(timeline),
      });
      if (wasStored) clearServerEvents.run(message.id);
      for (const attachment of attachments) addServerAttachment.run(attachment);
    },
    /** Deletes a message (its search row goes by trigger); returns the bytes it named. */
    remove(id: string): string[] {
      const hashes = contentHashesOf.all(id).map((row) => row.contentHash);
      remove.run(id);
      return hashes;
    },
    /**
     * The server's word on a queued send: sent, or back to drafts with the reason, with the step
     * in its timeline. False when the message was not waiting for that word.
     */
    settleSend(id: string, applied: boolean, reason: string | null, at: string): boolean {
      const changed = applied
        ? sent.run({ id, at }).changes
        : refused.run({ id, reason, at }).changes;
      if (changed !== 1) return false;
      addEvent.run(id, applied ? 'sent' : 'draft', at, applied ? null : reason);
      return true;
    },
    /** The messages with an attachment of these bytes. */
    holding: (contentHash: string): string[] => holding.all(contentHash).map((row) => row.id),
    /** The attachment bytes a resident's mail names. */
    contentHashesOfResident: (residentId: string): string[] =>
      residentHashes.all(residentId).map((row) => row.contentHash),
    hasMail: (residentId: string): boolean => hasMail.get(residentId)?.found === 1,
    optimizeSearch: (): void => void optimizeSearch.run(),
  };
}
