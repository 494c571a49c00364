import { z } from 'zod';
import {
  CardResultSchema,
  CashSessionSchema,
  CashSettlementSchema,
  DeviceHealthSchema,
  PRINTER_CONDITIONS,
  PrintJobSchema,
  SyncStatusSchema,
} from './entities';
import { badgeToken, cents, id } from './primitives';

/** Why an acceptor refused a bill, for the screen: not a bill we take, or one it could not read. */
const BILL_REJECT_REASONS = ['denomination_refused', 'unreadable'] as const;

/** Events the backend pushes to the renderer. Payloads are validated before they are sent. */
export const events = {
  'sync.status': SyncStatusSchema,
  /** The idle logout is near: the screen shows a warning with a button to stay. */
  'session.expiring': z.object({ secondsLeft: z.number().int().min(0) }),
  'session.ended': z.object({ reason: z.enum(['idle', 'logout', 'locked', 'replaced']) }),
  /** New mail arrived or a message changed status (sync, review, refusal). */
  'mail.changed': z.object({ messageIds: z.array(id) }),
  'stamps.changed': z.object({}),
  'tickets.changed': z.object({ ticketIds: z.array(id) }),
  'hardware.cardRead': CardResultSchema,
  /**
   * A swipe that could not be read or was refused. `reason` is what the screen says (a brand the
   * kiosk does not take, an expired card, or "swipe again"); `code` is the driver's detail.
   */
  'hardware.cardError': z.object({
    code: z.string(),
    message: z.string(),
    reason: z.enum(['not_accepted', 'expired', 'unreadable']),
  }),
  /**
   * A bill moved. `recovered` marks an event that settles a bill left in escrow or stacking by
   * an acceptor unplug, a power cut or an app restart (the screen says what became of it);
   * `uncertain` is a bill lost mid-stack that only the cash count can settle. `reason` says why
   * a bill was rejected.
   */
  'hardware.bill': z.object({
    session: CashSessionSchema,
    event: z.enum([
      'escrow',
      'stacked',
      'returned',
      'rejected',
      'jammed',
      'cassette_full',
      'uncertain',
    ]),
    denominationCents: cents.nullable(),
    recovered: z.boolean(),
    reason: z.enum(BILL_REJECT_REASONS).nullable(),
  }),
  /**
   * Cash left in a session was booked without the person finishing (walked away, or the screen
   * closed): told to the connection that opened the session, which shows the receipt.
   */
  'payment.cashSettled': CashSettlementSchema,
  'hardware.badge': z.object({ badgeToken }),
  'hardware.printer': z.object({
    condition: z.enum(PRINTER_CONDITIONS),
    job: PrintJobSchema.nullable(),
  }),
  'hardware.health': z.object({ devices: z.array(DeviceHealthSchema) }),
} as const satisfies Record<string, z.ZodType>;

type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
