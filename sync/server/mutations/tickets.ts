import type { MutationArgs, TicketData, TicketMessageData } from '../../protocol';
import type { AuthenticatedDevice } from '../http/device-auth';
import { publishTicket, publishTicketMessage } from '../publish';
import { reject } from '../rejection';
import { residentInFacility } from '../residents';
import { prepared, typed, type RowOf } from '../storage/typed';
import type { Work } from '../work';

/** Support tickets filed at the kiosk; their status follows the resident to every device. */

const existingTicket = prepared((db, p: { id: string }) =>
  db.selectFrom('tickets').select('id').where('id', '=', p.id),
);

const insertTicket = prepared(
  (
    db,
    p: {
      ticket: string;
      resident: string;
      tabletSerial: string;
      category: string;
      description: string;
      status: string;
      at: string;
    },
  ) =>
    db.insertInto('tickets').values({
      id: p.ticket,
      resident_id: p.resident,
      tablet_serial: p.tabletSerial,
      category: p.category,
      description: p.description,
      status: p.status,
      created_at: p.at,
      updated_at: p.at,
    }),
);

const lockedTicket = prepared((db, p: { id: string }, { lockRows }) =>
  db
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', p.id)
    .$narrowType<Pick<TicketData, 'category' | 'status'>>()
    .$call(lockRows),
);

type TicketRow = RowOf<typeof lockedTicket>;

const existingTicketMessage = prepared((db, p: { id: string }) =>
  db.selectFrom('ticket_messages').select('id').where('id', '=', p.id),
);

const insertTicketMessage = prepared(
  (db, p: { id: string; ticket: string; author: string; body: string; at: string }) =>
    db.insertInto('ticket_messages').values({
      id: p.id,
      ticket_id: p.ticket,
      author: p.author,
      body: p.body,
      created_at: p.at,
    }),
);

const setTicketStatus = prepared((db, p: { id: string; status: string; at: string }) =>
  db.updateTable('tickets').set({ status: p.status, updated_at: p.at }).where('id', '=', p.id),
);

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
  const q = typed(work.tx);
  if (await q.first(existingTicket, { id: args.ticketId })) {
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
  await q.run(insertTicket, {
    ticket: ticket.id,
    resident: ticket.residentId,
    tabletSerial: ticket.tabletSerial,
    category: ticket.category,
    description: ticket.description,
    status: ticket.status,
    at: work.now,
  });
  publishTicket(work, ticket);
}

/** A reply on a ticket, by the resident (push) or an agent (staff API). */
export async function addTicketMessage(
  work: Work,
  ticketId: string,
  message: { id: string; author: 'resident' | 'agent'; body: string },
  residentId?: string,
): Promise<void> {
  const q = typed(work.tx);
  const row = await q.first(lockedTicket, { id: ticketId });
  if (!row || (residentId !== undefined && row.resident_id !== residentId)) {
    reject('not_found', `no ticket ${ticketId}`);
  }
  if (await q.first(existingTicketMessage, { id: message.id })) {
    reject('conflict', `ticket message ${message.id} already exists`);
  }
  const data: TicketMessageData = {
    id: message.id,
    ticketId,
    author: message.author,
    body: message.body,
    createdAt: work.now,
  };
  await q.run(insertTicketMessage, {
    id: data.id,
    ticket: ticketId,
    author: data.author,
    body: data.body,
    at: work.now,
  });
  const status: TicketData['status'] = message.author === 'agent' ? 'answered' : 'open';
  await q.run(setTicketStatus, { id: ticketId, status, at: work.now });
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
