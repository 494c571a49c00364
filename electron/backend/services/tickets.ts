import { randomUUID } from 'node:crypto';
import { suggestTroubleshooting } from '../../../domain/troubleshooting';
import type { TicketSummary } from '../../contract';
import type { CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import { enqueueMutation } from '../store';
import type { TicketListRow, TicketMessageRow } from '../store/repositories/tickets';
import { audit } from './audit';
import { residentId } from './auth';

function summary(row: TicketListRow): TicketSummary {
  return {
    id: row.id,
    tabletSerial: row.tabletSerial,
    category: row.category,
    description: row.description,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    unreadReplies: row.unreadReplies,
  };
}

const message = (row: TicketMessageRow) => ({
  id: row.id,
  author: row.author,
  body: row.body,
  at: row.createdAt,
  delivered: row.delivered,
});

function ownTicket(context: CallContext, ticketId: string): TicketListRow {
  const ticket = context.core.store.tickets.byId(ticketId);
  if (!ticket || ticket.residentId !== residentId(context)) {
    throw new ServiceError('not_found', 'no such ticket', { field: 'ticketId' });
  }
  return ticket;
}

export const ticketsHandlers = {
  'tickets.suggest'(_context, input) {
    const found = suggestTroubleshooting(input.description, {
      limit: input.limit,
      ...(input.category ? { category: input.category } : {}),
    });
    if (!found.ok) throw new ServiceError('invalid_input', found.error.message);
    return {
      suggestions: found.value.map(({ entry, score }) => ({
        id: entry.id,
        category: entry.category,
        title: entry.title[input.locale],
        steps: entry.steps[input.locale],
        score,
      })),
    };
  },

  'tickets.file'(context, input) {
    const resident = residentId(context);
    const { store } = context.core;
    const ticket = store.transaction(() => {
      const id = randomUUID();
      store.tickets.insert({
        id,
        residentId: resident,
        tabletSerial: input.tabletSerial,
        category: input.category,
        description: input.description,
        status: 'queued',
        suggestionsShown: input.suggestionsShown,
        createdAt: context.now,
        updatedAt: context.now,
      });
      enqueueMutation(
        store,
        'ticket.file',
        {
          ticketId: id,
          residentId: resident,
          tabletSerial: input.tabletSerial,
          category: input.category,
          description: input.description,
        },
        context.now,
      );
      audit(context, 'ticket.file', id, { category: input.category });
      return store.tickets.byId(id)!;
    });
    context.core.tellResident(ticket.residentId, context.connection.id, 'tickets.changed', {
      ticketIds: [ticket.id],
    });
    return summary(ticket);
  },

  'tickets.list': (context) => ({
    tickets: context.core.store.tickets.forResident(residentId(context)).map(summary),
  }),

  'tickets.read'(context, input) {
    const ticket = ownTicket(context, input.ticketId);
    const { tickets } = context.core.store;
    tickets.markRead(ticket.id, context.now);
    return {
      ticket: summary({ ...ticket, unreadReplies: 0 }),
      messages: tickets.messages(ticket.id).map(message),
    };
  },

  'tickets.reply'(context, input) {
    const ticket = ownTicket(context, input.ticketId);
    if (ticket.status === 'closed') {
      throw new ServiceError('conflict', 'this ticket is closed; file a new one');
    }
    const { store } = context.core;
    const reply = store.transaction(() => {
      const row: TicketMessageRow = {
        id: randomUUID(),
        ticketId: ticket.id,
        author: 'resident',
        body: input.body,
        delivered: false,
        createdAt: context.now,
      };
      store.tickets.addMessage(row);
      enqueueMutation(
        store,
        'ticket.reply',
        {
          ticketId: ticket.id,
          ticketMessageId: row.id,
          residentId: ticket.residentId,
          body: input.body,
        },
        context.now,
      );
      audit(context, 'ticket.reply', ticket.id);
      return row;
    });
    context.core.tellResident(ticket.residentId, context.connection.id, 'tickets.changed', {
      ticketIds: [ticket.id],
    });
    return message(reply);
  },
} satisfies Partial<Handlers>;
