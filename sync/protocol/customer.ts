import { z } from 'zod';
import {
  CHARGEBACK_KINDS,
  DEPOSIT_CHANNELS,
  visibleLineSchema,
  visibleTextSchema,
} from '../../domain';
import {
  CentsSchema,
  DocNumberSchema,
  IdSchema,
  InstantSchema,
  StampCountSchema,
  StateSchema,
  UuidSchema,
} from './common';
import { AttachmentRefSchema, MAX_MESSAGE_CHARS, ProcessorTokenSchema } from './mutations';

/**
 * Customer API (family and friends, web or lobby). Authenticated calls carry
 * `authorization: Bearer <session token>` from login. Every call that creates something takes
 * a client-generated id that doubles as its idempotency key: a retry returns the first result,
 * a reuse with different parameters is refused with 409 conflict.
 */

const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
const PasswordSchema = z.string().min(10).max(200);

export const ResidentLookupRequestSchema = z.object({
  state: StateSchema,
  docNumber: DocNumberSchema,
});
/** Enough for the customer to confirm the right person: name, DOC number, state. */
export const ResidentLookupResponseSchema = z.object({
  residentId: IdSchema,
  firstName: z.string(),
  lastName: z.string(),
  docNumber: z.string(),
  state: z.string(),
  facilityName: z.string(),
});
export type ResidentLookupResponse = z.infer<typeof ResidentLookupResponseSchema>;

export const RegisterRequestSchema = z.object({
  email: EmailSchema,
  password: PasswordSchema,
  displayName: visibleLineSchema(1, 100),
  residentId: IdSchema,
  acceptedTermsVersion: z.string().trim().min(1).max(32),
});

export const LoginRequestSchema = z.object({ email: EmailSchema, password: z.string().max(200) });
export const LoginResponseSchema = z.object({
  token: z.string(),
  customerId: IdSchema,
  expiresAt: InstantSchema,
  /** True when logged in with a temporary password: the customer must set a new one. */
  mustChangePassword: z.boolean(),
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const ForgotPasswordRequestSchema = z.object({ email: EmailSchema });
/** Valid only with a session from a temporary-password login, or with the current password. */
export const ChangePasswordRequestSchema = z.object({
  currentPassword: z.string().max(200),
  newPassword: PasswordSchema,
});

export const AddResidentRequestSchema = z.object({ residentId: IdSchema });

export const CustomerMailRequestSchema = z.object({
  messageId: UuidSchema,
  residentId: IdSchema,
  subject: visibleLineSchema(0, 200).default(''),
  body: visibleTextSchema(0, MAX_MESSAGE_CHARS),
  attachments: z.array(AttachmentRefSchema).max(10).default([]),
  /** Prepaid reply stamps attached for the resident's answer (where the facility allows). */
  prepaidReplyStamps: StampCountSchema.max(20).default(0),
});

export const CustomerStampPurchaseRequestSchema = z.object({
  purchaseId: UuidSchema,
  /** Bundles are priced by the facility of this resident. */
  residentId: IdSchema,
  bundleId: IdSchema,
  card: ProcessorTokenSchema,
  /** The price shown before confirming; refused (nothing charged) when it no longer matches. */
  expectedPriceCents: CentsSchema.optional(),
});

/** A customer's stamps per agency: prices and contracts differ, so stamps are kept apart. */
export const CustomerAccountResponseSchema = z.object({
  customerId: IdSchema,
  /** Every agency's stamps together (each is spent only on mail to residents of its agency). */
  stamps: StampCountSchema,
  stampsByAgency: z.array(z.object({ agency: StateSchema, stamps: StampCountSchema })),
  residentIds: z.array(IdSchema),
});

/**
 * POST /v1/customer/stamps/refunds: unused stamps of one agency go back to the card payments
 * they came from. `refundId` is the idempotency key; without `stamps`, all the unused ones.
 */
export const StampRefundRequestSchema = z.object({
  refundId: UuidSchema,
  agency: StateSchema,
  stamps: StampCountSchema.min(1).optional(),
});
export const StampRefundResponseSchema = z.object({
  refundId: IdSchema,
  agency: StateSchema,
  stamps: StampCountSchema,
  cents: CentsSchema,
  /** One line per card purchase paid back; `pending` until the processor has refunded it. */
  lines: z.array(
    z.object({
      purchaseId: IdSchema,
      chargeId: IdSchema,
      stamps: StampCountSchema,
      cents: CentsSchema,
      status: z.enum(['pending', 'refunded', 'failed']),
    }),
  ),
});

export const CustomerDepositRequestSchema = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('bank_card'),
    depositId: UuidSchema,
    residentId: IdSchema,
    amountCents: CentsSchema.min(1),
    card: ProcessorTokenSchema,
    /** The fee quoted (POST /v1/customer/quotes) and shown; refused when it no longer matches. */
    expectedFeeCents: CentsSchema,
  }),
  z.object({
    channel: z.enum(['money_order', 'moneygram']),
    depositId: UuidSchema,
    residentId: IdSchema,
    amountCents: CentsSchema.min(1),
    /** Money order serial or MoneyGram reference number. */
    reference: z.string().trim().min(4).max(64),
    expectedFeeCents: CentsSchema,
  }),
]);
export type CustomerDepositRequest = z.infer<typeof CustomerDepositRequestSchema>;
export const DepositResponseSchema = z.object({
  depositId: IdSchema,
  channel: z.enum(DEPOSIT_CHANNELS),
  amountCents: CentsSchema,
  feeCents: CentsSchema,
  /** Part of the amount used to settle the sender's outstanding chargeback (money orders). */
  settledChargebackCents: CentsSchema,
  creditedCents: CentsSchema,
});
export type DepositResponse = z.infer<typeof DepositResponseSchema>;

/** Admin: a chargeback or stop payment against an earlier deposit. */
export const ChargebackRequestSchema = z.object({
  chargebackId: UuidSchema,
  depositId: IdSchema,
  kind: z.enum(CHARGEBACK_KINDS),
  amountCents: CentsSchema.min(1),
});
export const ChargebackSettlementRequestSchema = z.object({
  resolution: z.enum(['settled', 'resolved']),
});

/**
 * A kiosk takes a card payment through the central service (it needs the network): the reader's
 * processor token, the resident, and the exact total shown (amount plus fee, or the price). The
 * answer's charge id then goes in the deposit.create or stamps.purchase mutation, which claims
 * the charge once. The paymentId is the idempotency key: a retry charges nothing more.
 */
export const KioskCardChargeRequestSchema = z.object({
  paymentId: UuidSchema,
  residentId: IdSchema,
  amountCents: CentsSchema.min(50),
  card: ProcessorTokenSchema,
});
export type KioskCardChargeRequest = z.infer<typeof KioskCardChargeRequestSchema>;
export const KioskCardChargeResponseSchema = z.object({
  chargeId: IdSchema,
  amountCents: CentsSchema,
  card: z.object({ brand: z.string(), last4: z.string(), funding: z.string() }),
});
export type KioskCardChargeResponse = z.infer<typeof KioskCardChargeResponseSchema>;

/**
 * A customer asks what a deposit would cost before confirming: the fee and total, whether it is
 * allowed now (and why not: chargeback block codes, with the channels still possible), and with
 * a card token, the card's warning (credit: cash-advance fees; prepaid: may decline). The deposit
 * then carries the quoted fee as `expectedFeeCents` and is refused if it changed.
 */
export const CREDIT_MOMENTS = ['on_capture', 'when_entered_on_arrival'] as const;
export const CustomerQuoteRequestSchema = z.object({
  residentId: IdSchema,
  channel: z.enum(['bank_card', 'money_order', 'moneygram']),
  amountCents: CentsSchema.min(1),
  card: ProcessorTokenSchema.optional(),
});
export const CustomerQuoteResponseSchema = z.object({
  amountCents: CentsSchema,
  feeCents: CentsSchema,
  totalCents: CentsSchema,
  allowed: z.boolean(),
  blockReasons: z.array(z.string()),
  stillPossible: z.array(z.enum(DEPOSIT_CHANNELS)),
  cardWarning: z.enum(['credit_cash_advance_fee', 'prepaid_may_decline']).nullable(),
  /** The resident's agency (state DOC), and the customer's unused stamps kept for it. */
  agency: StateSchema,
  agencyStamps: StampCountSchema,
  /**
   * When the money reaches the resident: a card once the processor captured it; a money order
   * or MoneyGram transfer only when it has arrived and finance entered it (until then it is
   * pending and does not appear in GET /v1/customer/deposits).
   */
  credited: z.enum(CREDIT_MOMENTS),
});
export type CustomerQuoteResponse = z.infer<typeof CustomerQuoteResponseSchema>;

/**
 * Finance staff enter a money order or MoneyGram transfer when it has arrived (customers never
 * declare one). `customerId`, when the sender is a known customer, lets a money order settle
 * that customer's outstanding chargebacks first.
 */
export const FinanceDepositRequestSchema = z.object({
  depositId: UuidSchema,
  residentId: IdSchema,
  channel: z.enum(['money_order', 'moneygram']),
  amountCents: CentsSchema.min(1),
  /** Money order serial or MoneyGram reference number. */
  reference: z.string().trim().min(4).max(64),
  customerId: IdSchema.optional(),
});

/**
 * GET /v1/customer/mail/:messageId: where one message is. The sender (the customer wrote it)
 * sees every item: the rejection reason, the attachments review withheld with their reasons,
 * and the stamps refunded; the recipient sees a resident's message once released, without the
 * attachments review withheld.
 */
export const CustomerMessageStatusSchema = z.object({
  messageId: IdSchema,
  residentId: IdSchema,
  direction: z.enum(['inbound', 'outbound']),
  status: z.string(),
  timeline: z.array(
    z.object({ status: z.string(), at: InstantSchema, reason: z.string().optional() }),
  ),
  rejectReason: z.string().nullable(),
  attachments: z.array(AttachmentRefSchema),
  withheldAttachments: z.array(z.object({ sha256: z.string(), reason: z.string() })),
  stampsCharged: StampCountSchema,
  refundedStamps: StampCountSchema,
  expectedDeliveryBy: InstantSchema,
});
export type CustomerMessageStatus = z.infer<typeof CustomerMessageStatusSchema>;

/**
 * GET /v1/customer/deposits: the deposits credited from this customer, newest first: their card
 * deposits, and the money orders and MoneyGram transfers finance entered naming them. A mailed
 * money order absent here has not been entered yet: it is pending until it arrives.
 */
export const CustomerDepositsSchema = z.object({
  deposits: z.array(
    z.object({
      depositId: IdSchema,
      residentId: IdSchema,
      channel: z.enum(DEPOSIT_CHANNELS),
      amountCents: CentsSchema,
      feeCents: CentsSchema,
      /** `charged_back`: a chargeback on it is still outstanding. */
      state: z.enum(['credited', 'charged_back']),
      creditedAt: InstantSchema,
    }),
  ),
});
export type CustomerDeposits = z.infer<typeof CustomerDepositsSchema>;

/** GET /v1/customer/stamps/history: the customer's stamp ledger, newest first. */
export const CustomerStampHistorySchema = z.object({
  entries: z.array(
    z.object({
      id: IdSchema,
      kind: z.string(),
      amount: z.number().int(),
      reference: z.string(),
      createdAt: InstantSchema,
    }),
  ),
});
export type CustomerStampHistory = z.infer<typeof CustomerStampHistorySchema>;
