import type { MutationArgs, TicketData, TicketMessageData } from '../../protocol';
import type { AuthenticatedDevice } from '../http/device-auth';
import { publishTicket, publishTicketMessage } from '../publish';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import type { Work } from '../work';

/** Support tickets filed at the kiosk; their status follows the resident to every device. */

interface TicketRow {
  id: string;
  resident_id: string;
  tablet_serial: string;
  category: TicketData['category'];
  description: string;
  status: TicketData['status'];
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

function ticketData(row: TicketRow): TicketData {
  return {
    id: row.id,
    residentId: row.resident_id,
    tabletSerial: row.tablet_serial,
    category: row.category,
    description: row.description,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function ticketFile(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'ticket.file'>,
): Promise<void> {
  await residentInFacility(work.tx, device.facilityId, args.residentId);
  if (await work.tx.get('SELECT 1 AS yes FROM tickets WHERE id = ?', [args.ticketId])) {
    reject('conflict', `ticket ${args.ticketId} already exists`);
  }
  const ticket: TicketData = {
    id: args.ticketId,
    residentId: args.residentId,
    tabletSerial: args.tabletSerial,
    category: args.category,
    description: args.description,
    status: 'open',
    createdAt: work.now,
    updatedAt: work.now,
  };
  await work.tx.run(
    `INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      ticket.id,
      ticket.residentId,
      ticket.tabletSerial,
      ticket.category,
      ticket.description,
      ticket.status,
      work.now,
      work.now,
    ],
  );
  publishTicket(work, ticket);
}

/** A reply on a ticket, by the resident (push) or an agent (staff API). */
export async function addTicketMessage(
  work: Work,
  ticketId: string,
  message: { id: string; author: 'resident' | 'agent'; body: string },
  residentId?: string,
): Promise<void> {
  const row = await work.tx.get<TicketRow>(
    `SELECT * FROM tickets WHERE id = ?${work.tx.forUpdate}`,
    [ticketId],
  );
  if (!row || (residentId !== undefined && row.resident_id !== residentId)) {
    reject('not_found', `no ticket ${ticketId}`);
  }
  if (await work.tx.get('SELECT 1 AS yes FROM ticket_messages WHERE id = ?', [message.id])) {
    reject('conflict', `ticket message ${message.id} already exists`);
  }
  const data: TicketMessageData = {
    id: message.id,
    ticketId,
    author: message.author,
    body: message.body,
    createdAt: work.now,
  };
  await work.tx.run(
    'INSERT INTO ticket_messages (id, ticket_id, author, body, created_at) VALUES (?, ?, ?, ?, ?)',
    [data.id, ticketId, data.author, data.body, work.now],
  );
  const status: TicketData['status'] = message.author === 'agent' ? 'answered' : 'open';
  await work.tx.run('UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?', [
    status,
    work.now,
    ticketId,
  ]);
  publishTicket(work, ticketData({ ...row, status, updated_at: work.now }));
  publishTicketMessage(work, row.resident_id, data);
}

export async function ticketReply(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'ticket.reply'>,
): Promise<void> {
  await residentInFacility(work.tx, device.facilityId, args.residentId);
  await addTicketMessage(
    work,
    args.ticketId,
    { id: args.ticketMessageId, author: 'resident', body: args.body },
    args.residentId,
  );
}
