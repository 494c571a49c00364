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
import { AttachmentRefSchema, CardTokenSchema, MAX_MESSAGE_CHARS } from './mutations';

/**
 * Customer API (family and friends, web or lobby). Authenticated calls carry
 * `authorization: Bearer <session token>` from login. Every call that creates something takes
 * a client-generated id that doubles as its idempotency key: a retry returns the first result,
 * a reuse with different parameters is refused with 409 conflict.
 */

export const EmailSchema = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
export const PasswordSchema = z.string().min(10).max(200);
export const MAX_FAILED_LOGINS = 5;

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
/** The same answer whether or not the email already had an account (a mail tells its owner). */
export const RegisterResponseSchema = z.object({ accepted: z.literal(true) });

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
export const CustomerMailResponseSchema = z.object({
  messageId: IdSchema,
  stampsCharged: StampCountSchema,
  status: z.string(),
  expectedDeliveryBy: InstantSchema,
});

export const CustomerStampPurchaseRequestSchema = z.object({
  purchaseId: UuidSchema,
  /** Bundles are priced by the facility of this resident. */
  residentId: IdSchema,
  bundleId: IdSchema,
  card: CardTokenSchema,
});
export const CustomerStampPurchaseResponseSchema = z.object({
  purchaseId: IdSchema,
  stamps: StampCountSchema,
  priceCents: CentsSchema,
  stampBalance: StampCountSchema,
});

export const CustomerDepositRequestSchema = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('bank_card'),
    depositId: UuidSchema,
    residentId: IdSchema,
    amountCents: CentsSchema.min(1),
    card: CardTokenSchema,
    /** The fee shown to the customer before confirming; refused when it no longer matches. */
    expectedFeeCents: CentsSchema.optional(),
  }),
  z.object({
    channel: z.enum(['money_order', 'moneygram']),
    depositId: UuidSchema,
    residentId: IdSchema,
    amountCents: CentsSchema.min(1),
    /** Money order serial or MoneyGram reference number. */
    reference: z.string().trim().min(4).max(64),
    expectedFeeCents: CentsSchema.optional(),
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
