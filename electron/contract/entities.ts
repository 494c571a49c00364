import { z } from 'zod';
import {
  CARD_BRANDS,
  CARD_FUNDING,
  DEPOSIT_CHANNELS,
  DEVICE_PROFILES,
  FACILITY_SERVICES,
  LOCALES,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  RELEASE_STATUSES,
  STAMP_FEATURES,
  SYNC_PROBLEMS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
} from '../../domain/types';
import { PostalAddressSchema } from '../../domain/formats';
import { ReleaseRequestFieldsSchema } from '../../domain/release';
import {
  cents,
  docNumber,
  id,
  isoInstant,
  personName,
  stampCount,
  stateCode,
  tabletSerial,
} from './primitives';

/** Shapes the backend returns. Outputs are validated too, so a bug never leaks odd data. */

const localized = z.object({ en: z.string(), es: z.string() });

const ResidentProfileSchema = z.object({
  id,
  state: stateCode,
  docNumber,
  firstName: personName,
  lastName: personName,
  tabletSerial: tabletSerial.nullable(),
});

const SESSION_ROLES = ['resident', 'maintenance'] as const;
export const SessionInfoSchema = z.object({
  role: z.enum(SESSION_ROLES),
  resident: ResidentProfileSchema.nullable(),
  startedAt: isoInstant,
  /** When the session ends unless there is activity; null on tablets (no idle logout). */
  expiresAt: isoInstant.nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const DeviceInfoSchema = z.object({
  deviceId: id.nullable(),
  profile: z.enum(DEVICE_PROFILES),
  facilityId: id.nullable(),
  facilityName: z.string().nullable(),
  appVersion: z.string(),
  enrolled: z.boolean(),
  services: z.array(z.enum(FACILITY_SERVICES)),
  /** The facility's language: each person starts in it, and the screen returns to it after them. */
  defaultLocale: z.enum(LOCALES),
  /** Seconds of inactivity before a kiosk session ends, and how long the warning shows. */
  idleTimeoutSeconds: z.number().int().positive().nullable(),
  idleWarningSeconds: z.number().int().positive(),
  /** Which hardware flows this device offers (a tablet has none). */
  hardware: z.object({
    cardReader: z.boolean(),
    receiptPrinter: z.boolean(),
    billAcceptor: z.boolean(),
    badgeScanner: z.boolean(),
  }),
});
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

const SYNC_STATES = ['idle', 'syncing', 'offline', 'error'] as const;
export const SyncStatusSchema = z.object({
  state: z.enum(SYNC_STATES),
  pendingMutations: z.number().int().min(0),
  /** Work done in the current or last sync, for progress bars. */
  pushed: z.number().int().min(0),
  pulled: z.number().int().min(0),
  lastSuccessAt: isoInstant.nullable(),
  /** Why the last sync failed, for the screens to translate; null after a success. */
  lastError: z.enum(SYNC_PROBLEMS).nullable(),
  nextAttemptAt: isoInstant.nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const ContactSchema = z.object({
  id,
  displayName: z.string(),
  /** Prepaid reply stamps this customer attached, usable only to reply to them. */
  prepaidReplyStamps: stampCount,
});
export type Contact = z.infer<typeof ContactSchema>;

const ATTACHMENT_KINDS = ['photo', 'ecard', 'snapnsend', 'videogram'] as const;
const AttachmentSchema = z.object({
  id,
  kind: z.enum(ATTACHMENT_KINDS),
  mimeType: z.string(),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** False while the blob is still downloading. */
  available: z.boolean(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

const TimelineEntrySchema = z.object({
  status: z.enum(MESSAGE_STATUSES),
  at: isoInstant,
  /** Reason code of a rejection or a refused send, translated by the screen. */
  reason: z.string().nullable(),
});

export const MessageSummarySchema = z.object({
  id,
  direction: z.enum(MESSAGE_DIRECTIONS),
  contactId: id,
  contactName: z.string(),
  subject: z.string(),
  preview: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  createdAt: isoInstant,
  sentAt: isoInstant.nullable(),
  readAt: isoInstant.nullable(),
  attachmentCount: z.number().int().min(0),
});
export type MessageSummary = z.infer<typeof MessageSummarySchema>;

export const MessageDetailSchema = MessageSummarySchema.extend({
  body: z.string(),
  attachments: z.array(AttachmentSchema),
  timeline: z.array(TimelineEntrySchema),
  expectedDeliveryAt: isoInstant.nullable(),
  overdue: z.boolean(),
  replyToMessageId: id.nullable(),
  /** Stamps spent or reserved for an outbound message. */
  stampCost: stampCount.nullable(),
  /** Prepaid reply stamps the sender attached to an inbound message. */
  prepaidReplyStamps: stampCount,
  /** Why the central service refused this send (it went back to drafts). */
  refusalReason: z.string().nullable(),
  /** Stamps returned to the sender for what review rejected. */
  refundedStamps: stampCount,
  ecard: z.boolean(),
});
export type MessageDetail = z.infer<typeof MessageDetailSchema>;

export const StampBalanceSchema = z.object({
  confirmed: stampCount,
  reserved: stampCount,
  available: stampCount,
  /** Bought here and not confirmed yet: usable once the central service confirms them. */
  arriving: stampCount,
  prepaidReply: z.array(
    z.object({ contactId: id, contactName: z.string(), stamps: stampCount.min(1) }),
  ),
  /** When the central service last confirmed the balance; null before the first sync. */
  confirmedAt: isoInstant.nullable(),
});
export type StampBalance = z.infer<typeof StampBalanceSchema>;

const STAMP_HISTORY_KINDS = ['purchase', 'spend', 'refund', 'prepaid_received'] as const;
export const StampHistoryEntrySchema = z.object({
  id,
  at: isoInstant,
  kind: z.enum(STAMP_HISTORY_KINDS),
  /** Positive adds stamps, negative spends them. */
  stamps: z.number().int(),
  status: z.enum(['pending', 'confirmed', 'refused']),
  messageId: id.nullable(),
});
export type StampHistoryEntry = z.infer<typeof StampHistoryEntrySchema>;

const QuoteLineSchema = z.object({
  feature: z.enum(STAMP_FEATURES),
  count: z.number().int().min(1),
  stamps: stampCount,
});

export const StampQuoteSchema = z.object({
  lines: z.array(QuoteLineSchema),
  total: stampCount,
  fromPrepaid: stampCount,
  fromBalance: stampCount,
  available: stampCount,
  sufficient: z.boolean(),
});
export type StampQuote = z.infer<typeof StampQuoteSchema>;

export const PromotionSummarySchema = z.object({
  id,
  kind: z.enum(['discount', 'sweepstakes']),
  title: localized,
  description: localized,
  endsAt: isoInstant,
});
export type PromotionSummary = z.infer<typeof PromotionSummarySchema>;

export const StampBundleOfferSchema = z.object({
  id,
  stamps: stampCount.min(1),
  priceCents: cents,
  /** Price after the best active promotion; equals priceCents when none applies. */
  finalPriceCents: cents,
  promotionId: id.nullable(),
});
export type StampBundleOffer = z.infer<typeof StampBundleOfferSchema>;

const PAYMENT_STATUSES = ['pending', 'confirmed', 'refused'] as const;

/**
 * A receipt job: queued (waiting for the printer), sent (all bytes on the wire), printed (a
 * status read after the cut confirmed it) or failed (with the reason).
 */
export const PrintJobSchema = z.object({
  jobId: id,
  status: z.enum(['queued', 'sent', 'printed', 'failed']),
  error: z.string().nullable(),
});
export type PrintJob = z.infer<typeof PrintJobSchema>;

/**
 * How a cash payment ended, for the screen and the receipt: what went in, what above the total
 * was credited to the resident's spendable account (no change is given), and whether the person
 * finished, cancelled, walked away (`timed_out`) or the screen closed (`closed`).
 */
const CashOutcomeSchema = z.object({
  insertedCents: cents,
  creditedCents: cents,
  ended: z.enum(['finished', 'cancelled', 'timed_out', 'closed']),
});
export type CashOutcome = z.infer<typeof CashOutcomeSchema>;

export const StampPurchaseSchema = z.object({
  purchaseId: id,
  bundleId: id,
  stamps: stampCount,
  priceCents: cents,
  status: z.enum(PAYMENT_STATUSES),
  receipt: PrintJobSchema.nullable(),
  /** Paid with bills: how the cash ended; null otherwise. */
  cash: CashOutcomeSchema.nullable(),
});
export type StampPurchase = z.infer<typeof StampPurchaseSchema>;

export const SuggestionSchema = z.object({
  id,
  category: z.enum(TICKET_CATEGORIES),
  title: z.string(),
  steps: z.array(z.string()),
  score: z.number(),
});
export type Suggestion = z.infer<typeof SuggestionSchema>;

export const TicketSummarySchema = z.object({
  id,
  tabletSerial,
  category: z.enum(TICKET_CATEGORIES),
  description: z.string(),
  status: z.enum(TICKET_STATUSES),
  createdAt: isoInstant,
  updatedAt: isoInstant,
  unreadReplies: z.number().int().min(0),
});
export type TicketSummary = z.infer<typeof TicketSummarySchema>;

export const TicketMessageSchema = z.object({
  id,
  author: z.enum(['resident', 'agent']),
  body: z.string(),
  at: isoInstant,
  /** False while it waits in the outbox. */
  delivered: z.boolean(),
});
export type TicketMessage = z.infer<typeof TicketMessageSchema>;

const BlockSchema = z.object({
  /** Reason code from the domain rules, translated by the screen. */
  code: z.string(),
  since: isoInstant,
  /** Channels this block closes. */
  channels: z.array(z.enum(DEPOSIT_CHANNELS)),
});

export const AccountStatusSchema = z.object({
  spendableCents: cents,
  blocks: z.array(BlockSchema),
  allowedChannels: z.array(z.enum(DEPOSIT_CHANNELS)),
});
export type AccountStatus = z.infer<typeof AccountStatusSchema>;

/**
 * What the resident fills in on the release/unlock form: the domain's schema (the same the sync
 * protocol and the central service check) and their DOC number, which must be their own. The
 * agency's address is the facility's, never typed (docs/rules.md: Tablets).
 */
export const ReleaseFormSchema = ReleaseRequestFieldsSchema.extend({ docNumber });
export type ReleaseForm = z.infer<typeof ReleaseFormSchema>;

export const ReleaseRequestSchema = ReleaseFormSchema.extend({
  id,
  agencyAddress: PostalAddressSchema,
  status: z.enum(RELEASE_STATUSES),
  createdAt: isoInstant,
  history: z.array(z.object({ status: z.enum(RELEASE_STATUSES), at: isoInstant })),
});
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;

/** What a card read yields: never the number or track data, only these. */
export const CardResultSchema = z.object({
  brand: z.enum(CARD_BRANDS),
  last4: z.string().regex(/^\d{4}$/),
  expiry: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  funding: z.enum(CARD_FUNDING),
  cardholderName: z.string().max(26),
  token: z.string().min(16).max(128),
});
export type CardResult = z.infer<typeof CardResultSchema>;

export const LobbyResidentSchema = z.object({
  residentId: id,
  firstName: personName,
  lastName: personName,
  docNumber,
  state: stateCode,
  facilityName: z.string(),
});
export type LobbyResident = z.infer<typeof LobbyResidentSchema>;

export const DepositQuoteSchema = z.object({
  amountCents: cents,
  feeCents: cents,
  totalCents: cents,
  allowed: z.boolean(),
  /** Reason codes when not allowed, and the channels still possible, for the screen. */
  blockReasons: z.array(z.string()),
  stillPossible: z.array(z.enum(DEPOSIT_CHANNELS)),
  cardWarning: z.enum(['credit_cash_advance', 'prepaid_may_decline']).nullable(),
});
export type DepositQuote = z.infer<typeof DepositQuoteSchema>;

export const DepositReceiptSchema = z.object({
  depositId: id,
  residentId: id,
  amountCents: cents,
  feeCents: cents,
  totalCents: cents,
  channel: z.enum(DEPOSIT_CHANNELS),
  status: z.enum(PAYMENT_STATUSES),
  at: isoInstant,
  receipt: PrintJobSchema.nullable(),
  /** Paid with bills: how the cash ended; null otherwise. */
  cash: CashOutcomeSchema.nullable(),
});
export type DepositReceipt = z.infer<typeof DepositReceiptSchema>;

export const CashSessionSchema = z.object({
  cashSessionId: id,
  insertedCents: cents,
  state: z.enum(['accepting', 'escrow', 'ended']),
  /** Denomination waiting in escrow for accept or return. */
  escrowCents: cents.nullable(),
});
export type CashSession = z.infer<typeof CashSessionSchema>;

/**
 * What a cash session pays for, told when it opens, so that bills left behind by a cancel, a
 * walk-away or a closed screen still become that deposit (or what of the purchase they cover).
 */
export const CashPurposeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('deposit'),
      residentId: id,
      amountCents: cents.min(1),
      depositorName: z.string().trim().min(1).max(80),
      locale: z.enum(LOCALES).default('en'),
    })
    .strict(),
  z
    .object({ kind: z.literal('stamps'), bundleId: id, locale: z.enum(LOCALES).default('en') })
    .strict(),
]);
export type CashPurpose = z.output<typeof CashPurposeSchema>;

/**
 * Cash left in a session that did not pay, booked for its purpose: a deposit (a lobby deposit,
 * or cash at a housing-unit kiosk that covers no bundle) or a stamp purchase; both null when no
 * bill went in.
 */
export const CashSettlementSchema = z.object({
  cashSessionId: id,
  deposit: DepositReceiptSchema.nullable(),
  purchase: StampPurchaseSchema.nullable(),
});
export type CashSettlement = z.infer<typeof CashSettlementSchema>;

const DEVICE_KINDS = ['card_reader', 'receipt_printer', 'bill_acceptor', 'badge_scanner'] as const;
export const DeviceHealthSchema = z.object({
  name: z.string(),
  kind: z.enum(DEVICE_KINDS),
  state: z.enum(['closed', 'idle', 'busy', 'error', 'offline']),
  detail: z.string().nullable(),
  lastSeenAt: isoInstant.nullable(),
  simulated: z.boolean(),
});
export type DeviceHealth = z.infer<typeof DeviceHealthSchema>;

export const PRINTER_CONDITIONS = [
  'ok',
  'paper_near_end',
  'paper_out',
  'cover_open',
  'offline',
  'error',
] as const;
