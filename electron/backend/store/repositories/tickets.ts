import type { Database } from 'better-sqlite3';
import type { TicketCategory, TicketStatus } from '../../../../domain/types';

export interface TicketRow {
  id: string;
  residentId: string;
  tabletSerial: string | null;
  category: TicketCategory;
  description: string;
  status: TicketStatus;
  createdAt: string;
  updatedAt: string;
}

export interface TicketMessageRow {
  id: string;
  ticketId: string;
  author: 'resident' | 'agent';
  body: string;
  createdAt: string;
}

const columns = `id, resident_id AS residentId, tablet_serial AS tabletSerial, category,
  description, status, created_at AS createdAt, updated_at AS updatedAt`;

export function createTicketsRepository(db: Database) {
  const insert = db.prepare(
    `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
       created_at, updated_at)
     VALUES (@id, @residentId, @tabletSerial, @category, @description, @status, @createdAt,
       @updatedAt)`,
  );
  const forResident = db.prepare<[string], TicketRow>(
    `SELECT ${columns} FROM tickets WHERE resident_id = ? ORDER BY updated_at DESC, id DESC`,
  );
  const byId = db.prepare<[string], TicketRow>(`SELECT ${columns} FROM tickets WHERE id = ?`);
  const touch = db.prepare(`UPDATE tickets SET updated_at = ? WHERE id = ?`);
  const addMessage = db.prepare(
    `INSERT INTO ticket_messages (id, ticket_id, author, body, created_at)
     VALUES (@id, @ticketId, @author, @body, @createdAt)`,
  );
  const messages = db.prepare<[string], TicketMessageRow>(
    `SELECT id, ticket_id AS ticketId, author, body, created_at AS createdAt
       FROM ticket_messages WHERE ticket_id = ? ORDER BY created_at, id`,
  );
  return {
    insert: (ticket: TicketRow): void => void insert.run(ticket),
    forResident: (residentId: string): TicketRow[] => forResident.all(residentId),
    byId: (id: string): TicketRow | undefined => byId.get(id),
    addMessage(message: TicketMessageRow): void {
      addMessage.run(message);
      touch.run(message.createdAt, message.ticketId);
    },
    messages: (ticketId: string): TicketMessageRow[] => messages.all(ticketId),
  };
}
