import { z } from 'zod';
import {
  ReleaseRequestFieldsSchema,
  TICKET_CATEGORIES,
  visibleLineSchema,
  visibleTextSchema,
} from '../../domain';
import {
  CentsSchema,
  IdSchema,
  InstantSchema,
  Sha256HexSchema,
  StampCountSchema,
  TabletSerialSchema,
  UuidSchema,
} from './common';

/**
 * Mutations a device pushes. Each is written locally together with its outbox row, carries a
 * unique id and a per-device sequence number, and is applied by the central service exactly
 * once. Ids of things a mutation creates (messages, tickets, deposits ...) are generated on the
 * device, so a retried mutation creates nothing twice.
 */

export const ATTACHMENT_KINDS = ['photo', 'snapnsend', 'videogram'] as const;
export const ATTACHMENT_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'video/mp4',
] as const;
export type AttachmentMimeType = (typeof ATTACHMENT_MIME_TYPES)[number];
/** Largest attachment the service stores (a 30-second VideoGram fits). */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

export const AttachmentRefSchema = z.object({
  sha256: Sha256HexSchema,
  mime: z.enum(ATTACHMENT_MIME_TYPES),
  size: z.number().int().positive().max(MAX_ATTACHMENT_BYTES),
  kind: z.enum(ATTACHMENT_KINDS),
});
export type AttachmentRef = z.infer<typeof AttachmentRefSchema>;

export const MESSAGE_KINDS = ['email', 'ecard'] as const;
export const MAX_MESSAGE_CHARS = 20_000;

/** A resident sends a message to a customer; stamps are spent by the server. */
const MailSendArgsSchema = z.object({
  messageId: UuidSchema,
  residentId: IdSchema,
  customerId: IdSchema,
  kind: z.enum(MESSAGE_KINDS),
  subject: visibleLineSchema(0, 200).default(''),
  body: visibleTextSchema(0, MAX_MESSAGE_CHARS),
  attachments: z.array(AttachmentRefSchema).max(10).default([]),
  /** Informational: what the device reserved; the server computes the real cost. */
  reservedStamps: StampCountSchema.optional(),
});

/** The resident read an inbound message (named by the service: any id, not only a UUID). */
const MailMarkReadArgsSchema = z.object({
  messageId: IdSchema,
  residentId: IdSchema,
  readAt: InstantSchema,
});

const TicketFileArgsSchema = z.object({
  ticketId: UuidSchema,
  residentId: IdSchema,
  tabletSerial: TabletSerialSchema,
  category: z.enum(TICKET_CATEGORIES),
  description: visibleTextSchema(1, 4000),
});

/** A reply on an existing ticket (its id is the ticket's, whoever made it). */
const TicketReplyArgsSchema = z.object({
  ticketId: IdSchema,
  ticketMessageId: UuidSchema,
  residentId: IdSchema,
  body: visibleTextSchema(1, 4000),
});

/** Buys a stamp bundle from the resident's spendable money balance; promotions apply. */

/**
 * Tablet release/unlock request, printed as a form at the kiosk (docs/rules.md "Tablets"): the
 * fields the resident filled in, in the domain's one schema; the service adds the facility's
 * agency address and the resident's identity.
 */
const ReleaseRequestArgsSchema = ReleaseRequestFieldsSchema.extend({
  requestId: UuidSchema,
  residentId: IdSchema,
});

/** A charge the processor captured, as the central service named it to the kiosk. */
const ChargeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{4,100}$/);

/**
 * A card as the processor tokenized it (the web page or the kiosk's reader sends the number to
 * the processor, never to us): the token only; the service asks the processor for the card's
 * brand, funding and fingerprint.
 */
export const ProcessorTokenSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/),
});

/** One accepted bill; its id makes the credit idempotent even across deposits. */
const BillSchema = z.object({ billId: UuidSchema, cents: CentsSchema.min(100) });

/**
 * How a kiosk stamp purchase was paid at the kiosk: cash (bill by bill, each bill id credited at
 * most once, as for deposits) or a card swiped on the kiosk. The payment lands on the resident's
 * spendable money (no deposit fee: it is a purchase) and the bundle is paid from it, in one step;
 * cash beyond the price stays on the account.
 */
const KioskPaymentSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kiosk_cash'), bills: z.array(BillSchema).min(1).max(100) }),
  z.object({ kind: z.literal('kiosk_card'), chargeId: ChargeIdSchema }),
]);
export type KioskPayment = z.infer<typeof KioskPaymentSchema>;

const StampsPurchaseArgsSchema = z.object({
  purchaseId: UuidSchema,
  residentId: IdSchema,
  bundleId: IdSchema,
  /** The price the device showed; the purchase is refused if the server's price differs. */
  expectedPriceCents: CentsSchema.optional(),
  /** Paid at the kiosk; absent: paid from the resident's spendable money. */
  payment: KioskPaymentSchema.optional(),
});

/** A lobby-kiosk deposit to a resident's spendable account: cash (bill by bill) or card. */
const DepositCreateArgsSchema = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('kiosk_cash'),
    depositId: UuidSchema,
    residentId: IdSchema,
    /** What the resident receives, as the kiosk printed it. */
    amountCents: CentsSchema.min(1),
    /** The fee the kiosk quoted, took and printed; applied as is (the cash is already taken). */
    feeCents: CentsSchema,
    /** The cash taken: exactly amount plus fee. */
    bills: z.array(BillSchema).min(1).max(100),
  }),
  z.object({
    channel: z.literal('kiosk_card'),
    depositId: UuidSchema,
    residentId: IdSchema,
    amountCents: CentsSchema.min(1),
    /** The charge (amount plus fee) the kiosk made through POST /v1/card-payments. */
    chargeId: ChargeIdSchema,
    /** The fee the kiosk showed; refused if the server's fee differs. */
    expectedFeeCents: CentsSchema.optional(),
  }),
]);

/** Largest bill a kiosk's acceptor takes ($100) and most bills one cash session stacks. */
const LARGEST_BILL_CENTS = 10_000;
export const MAX_SESSION_BILLS = 500;

/**
 * What a kiosk's bill journal stacked in one cash session, sent once the session paid for
 * something or was settled: bills per denomination and their total, for the cash-box
 * reconciliation (journal against booked against counted). The session id is the bill id of
 * the session's booked cash, so the service matches the two; a summary is applied once per
 * session, whatever the retries. Times are the kiosk's clock (informational).
 */
export const CashJournalArgsSchema = z
  .object({
    cashSessionId: UuidSchema,
    /**
     * Whom the session paid for (a lobby deposit's resident, a housing-unit kiosk's buyer), or
     * null for bills that paid for nothing (credited outside any cash session): journaled so the
     * cash box's count meets them, never booked to anyone.
     */
    residentId: IdSchema.nullable(),
    denominations: z
      .array(
        z.object({
          cents: CentsSchema.min(100).max(LARGEST_BILL_CENTS),
          count: z.number().int().min(1).max(MAX_SESSION_BILLS),
        }),
      )
      .min(1)
      .max(20)
      .refine((list) => new Set(list.map((d) => d.cents)).size === list.length, {
        message: 'each denomination once',
      }),
    totalCents: CentsSchema.max(LARGEST_BILL_CENTS * MAX_SESSION_BILLS),
    firstBillAt: InstantSchema,
    lastBillAt: InstantSchema,
  })
  .refine(
    (summary) =>
      summary.denominations.reduce((sum, d) => sum + d.cents * d.count, 0) === summary.totalCents,
    { message: 'the denominations do not add up to the total', path: ['totalCents'] },
  )
  .refine(
    (summary) => summary.denominations.reduce((sum, d) => sum + d.count, 0) <= MAX_SESSION_BILLS,
    { message: `at most ${MAX_SESSION_BILLS} bills in a session`, path: ['denominations'] },
  );
export type CashJournalSummary = z.infer<typeof CashJournalArgsSchema>;

const PinFailedArgsSchema = z.object({ residentId: IdSchema, at: InstantSchema });
const PinSucceededArgsSchema = z.object({ residentId: IdSchema, at: InstantSchema });

/** Mutation name -> args schema. */
export const MUTATION_ARGS = {
  'mail.send': MailSendArgsSchema,
  'mail.markRead': MailMarkReadArgsSchema,
  'ticket.file': TicketFileArgsSchema,
  'ticket.reply': TicketReplyArgsSchema,
  'stamps.purchase': StampsPurchaseArgsSchema,
  'release.request': ReleaseRequestArgsSchema,
  'deposit.create': DepositCreateArgsSchema,
  'cash.journal': CashJournalArgsSchema,
  'auth.pinFailed': PinFailedArgsSchema,
  'auth.pinSucceeded': PinSucceededArgsSchema,
} as const;
export type MutationName = keyof typeof MUTATION_ARGS;
export type MutationArgs<N extends MutationName> = z.infer<(typeof MUTATION_ARGS)[N]>;

const envelope = {
  id: UuidSchema,
  /** Per-device sequence number: strictly increasing, gaps allowed. */
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Device clock when written: informational only, never used for ordering. */
  createdAt: InstantSchema,
};

/** A mutation as pushed: envelope + name + args validated by the name's schema. */
export const MutationSchema = z.discriminatedUnion('name', [
  z.object({ ...envelope, name: z.literal('mail.send'), args: MailSendArgsSchema }),
  z.object({ ...envelope, name: z.literal('mail.markRead'), args: MailMarkReadArgsSchema }),
  z.object({ ...envelope, name: z.literal('ticket.file'), args: TicketFileArgsSchema }),
  z.object({ ...envelope, name: z.literal('ticket.reply'), args: TicketReplyArgsSchema }),
  z.object({ ...envelope, name: z.literal('stamps.purchase'), args: StampsPurchaseArgsSchema }),
  z.object({ ...envelope, name: z.literal('release.request'), args: ReleaseRequestArgsSchema }),
  z.object({ ...envelope, name: z.literal('deposit.create'), args: DepositCreateArgsSchema }),
  z.object({ ...envelope, name: z.literal('cash.journal'), args: CashJournalArgsSchema }),
  z.object({ ...envelope, name: z.literal('auth.pinFailed'), args: PinFailedArgsSchema }),
  z.object({ ...envelope, name: z.literal('auth.pinSucceeded'), args: PinSucceededArgsSchema }),
]);

/**
 * The envelope alone: the server checks it first, so one mutation with bad args is rejected
 * (permanently, advancing the mark) without refusing the whole batch.
 */
const MutationEnvelopeSchema = z.object({
  ...envelope,
  name: z.string().min(1).max(64),
  args: z.unknown(),
});

export const MAX_PUSH_BATCH = 500;

export const PushRequestSchema = z.object({
  mutations: z
    .array(MutationEnvelopeSchema)
    .min(1)
    .max(MAX_PUSH_BATCH)
    .refine((list) => list.every((m, i) => m.seq > (list[i - 1]?.seq ?? -Infinity)), {
      message: 'mutations must be in strictly increasing seq order',
    }),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

/**
 * Stable rejection codes. Every rejection is permanent (the mark advances and the device moves
 * the change back, e.g. the message returns to drafts with the reason); transient failures are
 * never answered as a rejection but as an HTTP 503 for the whole batch.
 */
export const REJECTION_CODES = [
  'invalid_args',
  'unknown_mutation',
  'not_found',
  'forbidden',
  'insufficient_stamps',
  'insufficient_funds',
  'feature_not_offered',
  'price_changed',
  'fee_changed',
  'blocked',
  'locked',
  'conflict',
  'amount_out_of_range',
  'bill_already_credited',
  'attachment_missing',
  'payment_required',
  /** The service failed to apply the mutation for a reason of its own; kept as its outcome. */
  'internal_error',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

const MutationOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('applied') }),
  z.object({ status: z.literal('rejected'), code: z.enum(REJECTION_CODES), reason: z.string() }),
]);
export type MutationOutcome = z.infer<typeof MutationOutcomeSchema>;

/**
 * Per mutation: `applied` or `rejected` now, or `duplicate` (seen before) carrying the stored
 * first outcome, so a retry after a lost answer learns exactly what happened.
 */
const MutationResultSchema = z.object({
  id: UuidSchema,
  seq: z.number().int().positive(),
  status: z.enum(['applied', 'rejected', 'duplicate']),
  outcome: MutationOutcomeSchema,
});
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z.object({
  results: z.array(MutationResultSchema),
  /** Highest seq the server has settled for this device; the outbox may drop rows up to it. */
  highWaterMark: z.number().int().nonnegative(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;
