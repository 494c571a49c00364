import { z } from 'zod';
import { DEPOSIT_CHANNELS, LOCALES, TICKET_CATEGORIES } from '../../domain/types';
import {
  AccountStatusSchema,
  CardResultSchema,
  CashPurposeSchema,
  CashSessionSchema,
  CashSettlementSchema,
  ContactSchema,
  DepositQuoteSchema,
  DepositReceiptSchema,
  DeviceHealthSchema,
  DeviceInfoSchema,
  LobbyResidentSchema,
  MessageDetailSchema,
  MessageSummarySchema,
  PrintJobSchema,
  PromotionSummarySchema,
  ReleaseFormSchema,
  ReleaseRequestSchema,
  SessionInfoSchema,
  StampBalanceSchema,
  StampBundleOfferSchema,
  StampHistoryEntrySchema,
  StampPurchaseSchema,
  StampQuoteSchema,
  SuggestionSchema,
  SyncStatusSchema,
  TicketMessageSchema,
  TicketSummarySchema,
} from './entities';
import {
  badgeToken,
  cents,
  docNumber,
  empty,
  id,
  pageCursor,
  pageLimit,
  pin,
  stateCode,
  tabletSerial,
  text,
} from './primitives';

/**
 * Who may call a method:
 * - `public`: anyone, no session (device info, login);
 * - `resident`: a logged-in resident, only for their own data;
 * - `kiosk`: a logged-in resident on a housing-unit kiosk (hardware flows);
 * - `lobby`: anyone at a lobby kiosk (a customer making a deposit; no account needed);
 * - `payment`: a resident on a kiosk or anyone on a lobby kiosk (card and cash sessions);
 * - `maintenance`: facility IT after the maintenance PIN.
 */
export const ACCESS_LEVELS = [
  'public',
  'resident',
  'kiosk',
  'lobby',
  'payment',
  'maintenance',
] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

interface MethodSpec {
  access: Access;
  input: z.ZodType;
  output: z.ZodType;
}

const cardPayment = z.object({ kind: z.literal('card'), card: CardResultSchema });

/** What a person writes: saved as a draft, or sent straight away. */
const draftFields = z
  .object({
    draftId: id.optional(),
    contactId: id,
    subject: text(200),
    body: text(10_000),
    replyToMessageId: id.optional(),
    ecard: z.boolean().default(false),
  })
  .strict();
const cashPayment = z.object({ kind: z.literal('cash'), cashSessionId: id });

/**
 * An action that changes data carries a key its screen created when it opened (a new one after
 * each success). The backend answers the same key again with the first answer, without doing
 * it twice, so a double tap or a resent call buys, sends, files, deposits or prints once.
 */
const idempotencyKey = z.uuid();
function keyed<Shape extends z.ZodRawShape, Config extends z.core.$ZodObjectConfig>(
  schema: z.ZodObject<Shape, Config>,
) {
  return schema.extend({ idempotencyKey });
}

export const methods = {
  // --- auth
  'auth.login': {
    access: 'public',
    input: z.discriminatedUnion('method', [
      z.object({ method: z.literal('doc'), state: stateCode, docNumber, pin }).strict(),
      z.object({ method: z.literal('badge'), badgeToken, pin }).strict(),
    ]),
    output: SessionInfoSchema,
  },
  'auth.logout': { access: 'public', input: empty, output: empty },
  'auth.session': {
    access: 'public',
    input: empty,
    output: z.object({ session: SessionInfoSchema.nullable() }),
  },
  /** Counts as activity: pushes the idle logout back. */
  'auth.touch': {
    access: 'public',
    input: empty,
    output: z.object({ session: SessionInfoSchema.nullable() }),
  },

  // --- mail
  'mail.contacts': {
    access: 'resident',
    input: empty,
    output: z.object({ contacts: z.array(ContactSchema) }),
  },
  'mail.list': {
    access: 'resident',
    input: z
      .object({
        folder: z.enum(['inbox', 'sent', 'drafts']),
        limit: pageLimit,
        before: pageCursor.optional(),
      })
      .strict(),
    output: z.object({
      messages: z.array(MessageSummarySchema),
      nextCursor: pageCursor.nullable(),
      unreadCount: z.number().int().min(0),
    }),
  },
  'mail.search': {
    access: 'resident',
    input: z.object({ query: z.string().trim().min(1).max(200), limit: pageLimit }).strict(),
    output: z.object({ messages: z.array(MessageSummarySchema) }),
  },
  'mail.read': {
    access: 'resident',
    input: z.object({ messageId: id }).strict(),
    output: MessageDetailSchema,
  },
  'mail.attachment': {
    access: 'resident',
    input: z.object({ attachmentId: id }).strict(),
    output: z.object({ mimeType: z.string(), dataBase64: z.string() }),
  },
  'mail.markRead': {
    access: 'resident',
    input: z.object({ messageId: id }).strict(),
    output: empty,
  },
  'mail.saveDraft': {
    access: 'resident',
    input: draftFields,
    output: z.object({ draftId: id }),
  },
  'mail.deleteDraft': {
    access: 'resident',
    input: z.object({ draftId: id }).strict(),
    output: empty,
  },
  /**
   * Works offline: reserves the stamps and queues the message in one transaction. Takes a saved
   * draft's id, or the draft's fields (saved and sent in that same transaction).
   */
  'mail.send': {
    access: 'resident',
    input: z.union([keyed(z.object({ draftId: id }).strict()), keyed(draftFields)]),
    output: z.object({
      message: MessageSummarySchema,
      fromPrepaid: z.number().int().min(0),
      fromBalance: z.number().int().min(0),
    }),
  },

  // --- stamps
  'stamps.balance': { access: 'resident', input: empty, output: StampBalanceSchema },
  'stamps.history': {
    access: 'resident',
    input: z.object({ limit: pageLimit, before: pageCursor.optional() }).strict(),
    output: z.object({
      entries: z.array(StampHistoryEntrySchema),
      nextCursor: pageCursor.nullable(),
    }),
  },
  'stamps.quote': {
    access: 'resident',
    input: z
      .object({
        contactId: id,
        ecard: z.boolean().default(false),
        replyToMessageId: id.optional(),
      })
      .strict(),
    output: StampQuoteSchema,
  },
  'stamps.offers': {
    access: 'public',
    input: empty,
    output: z.object({
      bundles: z.array(StampBundleOfferSchema),
      promotions: z.array(PromotionSummarySchema),
    }),
  },
  /** From the spendable account anywhere; by card or cash on a kiosk. */
  'stamps.purchase': {
    access: 'resident',
    input: keyed(
      z
        .object({
          bundleId: id,
          payment: z.discriminatedUnion('kind', [
            z.object({ kind: z.literal('account') }),
            cardPayment,
            cashPayment,
          ]),
          printReceipt: z.boolean().default(false),
          locale: z.enum(LOCALES).default('en'),
        })
        .strict(),
    ),
    output: StampPurchaseSchema,
  },

  // --- tickets
  'tickets.suggest': {
    access: 'resident',
    input: z
      .object({
        description: z.string().trim().min(1).max(2000),
        category: z.enum(TICKET_CATEGORIES).optional(),
        locale: z.enum(LOCALES),
        limit: z.number().int().min(1).max(10).default(5),
      })
      .strict(),
    output: z.object({ suggestions: z.array(SuggestionSchema) }),
  },
  'tickets.file': {
    access: 'resident',
    input: keyed(
      z
        .object({
          tabletSerial,
          category: z.enum(TICKET_CATEGORIES),
          description: z.string().trim().min(10).max(2000),
          suggestionsShown: z.array(id).max(10),
        })
        .strict(),
    ),
    output: TicketSummarySchema,
  },
  'tickets.list': {
    access: 'resident',
    input: empty,
    output: z.object({ tickets: z.array(TicketSummarySchema) }),
  },
  'tickets.read': {
    access: 'resident',
    input: z.object({ ticketId: id }).strict(),
    output: z.object({ ticket: TicketSummarySchema, messages: z.array(TicketMessageSchema) }),
  },
  'tickets.reply': {
    access: 'resident',
    input: keyed(z.object({ ticketId: id, body: z.string().trim().min(1).max(2000) }).strict()),
    output: TicketMessageSchema,
  },

  // --- account
  'account.status': { access: 'resident', input: empty, output: AccountStatusSchema },
  'account.requestRelease': {
    access: 'resident',
    input: keyed(ReleaseFormSchema.strict()),
    output: ReleaseRequestSchema,
  },
  'account.releaseRequests': {
    access: 'resident',
    input: empty,
    output: z.object({ requests: z.array(ReleaseRequestSchema) }),
  },
  'account.printReleaseForm': {
    access: 'kiosk',
    input: keyed(z.object({ requestId: id, locale: z.enum(LOCALES).default('en') }).strict()),
    output: PrintJobSchema,
  },

  // --- device
  'device.info': { access: 'public', input: empty, output: DeviceInfoSchema },
  'device.syncStatus': { access: 'public', input: empty, output: SyncStatusSchema },
  'device.syncNow': { access: 'public', input: empty, output: SyncStatusSchema },

  // --- payments on kiosks: card reader and bill acceptor sessions
  /** Enables the card reader for one swipe; the result arrives as `hardware.cardRead`. */
  'payment.cardStart': { access: 'payment', input: empty, output: empty },
  'payment.cardCancel': { access: 'payment', input: empty, output: empty },
  /**
   * Opens a cash session. With a `purpose`, bills inserted are never lost: a cancel, a walk-away
   * (the backend's cash idle time) or a closed screen books them for it (`payment.cashSettled`).
   */
  'payment.cashStart': {
    access: 'payment',
    input: z.object({ purpose: CashPurposeSchema.optional() }).strict(),
    output: CashSessionSchema,
  },
  'payment.cashEscrow': {
    access: 'payment',
    input: z.object({ cashSessionId: id, action: z.enum(['accept', 'return']) }).strict(),
    output: CashSessionSchema,
  },
  /** Stops accepting bills; what was stacked stays credited to the session. */
  'payment.cashEnd': {
    access: 'payment',
    input: z.object({ cashSessionId: id }).strict(),
    output: CashSessionSchema,
  },
  /** The person cancels: the session ends and what was inserted is booked for its purpose. */
  'payment.cashCancel': {
    access: 'payment',
    input: z.object({ cashSessionId: id }).strict(),
    output: CashSettlementSchema,
  },

  // --- lobby kiosk: a customer deposits to a resident
  'lobby.findResident': {
    access: 'lobby',
    input: z.object({ state: stateCode, docNumber }).strict(),
    output: z.object({ resident: LobbyResidentSchema }),
  },
  'lobby.quoteDeposit': {
    access: 'lobby',
    input: z
      .object({
        residentId: id,
        channel: z.enum(DEPOSIT_CHANNELS).extract(['kiosk_card', 'kiosk_cash']),
        amountCents: cents.min(1),
        card: CardResultSchema.optional(),
      })
      .strict(),
    output: DepositQuoteSchema,
  },
  'lobby.deposit': {
    access: 'lobby',
    input: keyed(
      z
        .object({
          residentId: id,
          amountCents: cents.min(1),
          payment: z.discriminatedUnion('kind', [cardPayment, cashPayment]),
          depositorName: z.string().trim().min(1).max(80),
          locale: z.enum(LOCALES).default('en'),
        })
        .strict(),
    ),
    output: DepositReceiptSchema,
  },

  // --- maintenance (facility IT)
  'maintenance.unlock': {
    access: 'public',
    input: z.object({ pin }).strict(),
    output: SessionInfoSchema,
  },
  'maintenance.status': {
    access: 'maintenance',
    input: empty,
    output: z.object({
      device: DeviceInfoSchema,
      sync: SyncStatusSchema,
      outboxDepth: z.number().int().min(0),
      /** Seconds since the last successful sync; null before the first. */
      syncLagSeconds: z.number().int().min(0).nullable(),
      hardware: z.array(DeviceHealthSchema),
    }),
  },
  'maintenance.testPrint': {
    access: 'maintenance',
    input: keyed(empty),
    output: PrintJobSchema,
  },
  'maintenance.exportLogs': {
    access: 'maintenance',
    input: empty,
    output: z.object({ fileName: z.string(), content: z.string() }),
  },
} as const satisfies Record<string, MethodSpec>;

type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What the caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What the backend receives after validation (defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

/** The actions that change data and so carry an idempotency key (`idempotencyKey`). */
export const KEYED_METHODS = [
  'mail.send',
  'stamps.purchase',
  'tickets.file',
  'tickets.reply',
  'account.requestRelease',
  'account.printReleaseForm',
  'lobby.deposit',
  'maintenance.testPrint',
] as const satisfies readonly MethodName[];
export type KeyedMethod = (typeof KEYED_METHODS)[number];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
