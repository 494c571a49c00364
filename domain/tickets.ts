import { z } from 'zod';
import { checkTransition, type TransitionTable } from './state-machine';
import { TICKET_CATEGORIES, type TicketStatus } from './types';

/**
 * docs/rules.md "Tablets": support tickets filed at the kiosk (tablet serial, category,
 * description), answered by agents; the status follows the resident to kiosk and tablet.
 * `queued` = filed offline, waiting in the outbox. A resident's reply reopens an answered or
 * resolved ticket; closed is final.
 */
export const TICKET_TRANSITIONS: TransitionTable<TicketStatus> = {
  queued: ['open'],
  open: ['answered', 'resolved', 'closed'],
  answered: ['open', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export function transitionTicket(from: TicketStatus, to: TicketStatus) {
  return checkTransition(TICKET_TRANSITIONS, 'ticket', from, to);
}

/** What a resident types at the kiosk to file a ticket. */
export const TicketFilingSchema = z.object({
  tabletSerial: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9-]{4,32}$/, 'tablet serial must be 4-32 letters, digits or dashes'),
  category: z.enum(TICKET_CATEGORIES),
  description: z.string().trim().min(3, 'describe the problem').max(2000),
});
