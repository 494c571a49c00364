import type { Database } from 'better-sqlite3';
import type { TicketCategory, TicketStatus } from '../../../../domain/types';

export interface TicketRow {
  id: string;
  residentId: string;
  tabletSerial: string;
  category: TicketCategory;
  description: string;
  status: TicketStatus;
  suggestionsShown: string[];
  createdAt: string;
  updatedAt: string;
}

export interface TicketListRow extends TicketRow {
  /** Agent messages newer than the resident's last look. */
  unreadReplies: number;
}

export interface TicketMessageRow {
  id: string;
  ticketId: string;
  author: 'resident' | 'agent';
  body: string;
  delivered: boolean;
  createdAt: string;
}

const columns = `t.id, t.resident_id AS residentId, t.tablet_serial AS tabletSerial, t.category,
  t.description, t.status, t.suggestions_shown_json AS suggestionsJson, t.created_at AS createdAt,
  t.updated_at AS updatedAt,
  (SELECT count(*) FROM ticket_messages m WHERE m.ticket_id = t.id AND m.author = 'agent'
     AND m.created_at > coalesce(t.last_read_at, '')) AS unreadReplies`;
type RawTicket = Omit<TicketListRow, 'suggestionsShown'> & { suggestionsJson: string };
const toTicket = ({ suggestionsJson, ...rest }: RawTicket): TicketListRow => ({
  ...rest,
  suggestionsShown: JSON.parse(suggestionsJson) as string[],
});

export function createTicketsRepository(db: Database) {
  const insert = db.prepare(
    `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
       suggestions_shown_json, created_at, updated_at)
     VALUES (@id, @residentId, @tabletSerial, @category, @description, @status,
       @suggestionsJson, @createdAt, @updatedAt)`,
  );
  const forResident = db.prepare<[string], RawTicket>(
    `SELECT ${columns} FROM tickets t WHERE t.resident_id = ? ORDER BY t.updated_at DESC, t.id DESC`,
  );
  const byId = db.prepare<[string], RawTicket>(`SELECT ${columns} FROM tickets t WHERE t.id = ?`);
  const touch = db.prepare(`UPDATE tickets SET updated_at = ? WHERE id = ?`);
  const markRead = db.prepare(`UPDATE tickets SET last_read_at = ? WHERE id = ?`);
  const addMessage = db.prepare(
    `INSERT INTO ticket_messages (id, ticket_id, author, body, delivered, created_at)
     VALUES (@id, @ticketId, @author, @body, @delivered, @createdAt)`,
  );
  const messages = db.prepare<
    [string],
    Omit<TicketMessageRow, 'delivered'> & { delivered: number }
  >(
    `SELECT id, ticket_id AS ticketId, author, body, delivered, created_at AS createdAt
       FROM ticket_messages WHERE ticket_id = ? ORDER BY created_at, id`,
  );
  const upsertServer = db.prepare(
    `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
       created_at, updated_at)
     VALUES (@id, @residentId, @tabletSerial, @category, @description, @status, @createdAt,
       @updatedAt)
     ON CONFLICT (id) DO UPDATE SET tablet_serial = excluded.tablet_serial,
       category = excluded.category, description = excluded.description,
       status = excluded.status, updated_at = excluded.updated_at`,
  );
  const placeholder = db.prepare(
    `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
       created_at, updated_at)
     VALUES (?, ?, '', 'other', '', 'open', ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const remove = db.prepare(`DELETE FROM tickets WHERE id = ?`);
  const upsertServerMessage = db.prepare(
    `INSERT INTO ticket_messages (id, ticket_id, author, body, delivered, created_at)
     VALUES (@id, @ticketId, @author, @body, 1, @createdAt)
     ON CONFLICT (id) DO UPDATE SET body = excluded.body, delivered = 1`,
  );
  const removeMessage = db.prepare(`DELETE FROM ticket_messages WHERE id = ?`);
  return {
    /** A pulled ticket; what the resident chose to see on this device (suggestions) stays. */
    applyServerTicket(ticket: Omit<TicketRow, 'suggestionsShown'>): void {
      upsertServer.run(ticket);
    },
    /**
     * Makes sure a ticket row exists for a message that arrives before its ticket; the ticket's
     * own upsert later fills it in.
     */
    ensure(id: string, residentId: string, at: string): void {
      placeholder.run(id, residentId, at, at);
    },
    remove: (id: string): void => void remove.run(id),
    /** A pulled ticket message: the server has it, so it is delivered. */
    applyServerMessage(message: Omit<TicketMessageRow, 'delivered'>): void {
      upsertServerMessage.run(message);
    },
    removeMessage: (id: string): void => void removeMessage.run(id),
    insert(ticket: TicketRow): void {
      insert.run({ ...ticket, suggestionsJson: JSON.stringify(ticket.suggestionsShown) });
    },
    forResident: (residentId: string): TicketListRow[] => forResident.all(residentId).map(toTicket),
    byId(id: string): TicketListRow | undefined {
      const row = byId.get(id);
      return row && toTicket(row);
    },
    markRead: (id: string, at: string): void => void markRead.run(at, id),
    addMessage(message: TicketMessageRow): void {
      addMessage.run({ ...message, delivered: message.delivered ? 1 : 0 });
      touch.run(message.createdAt, message.ticketId);
    },
    messages: (ticketId: string): TicketMessageRow[] =>
      messages.all(ticketId).map((row) => ({ ...row, delivered: row.delivered === 1 })),
  };
}
