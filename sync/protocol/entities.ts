import { z } from 'zod';
import {
  FacilityConfigSchema,
  LedgerReferenceSchema,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  REJECT_REASONS,
  RELEASE_STATUSES,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
} from '../../domain';
import {
  CentsSchema,
  DocNumberSchema,
  IdSchema,
  InstantSchema,
  StampCountSchema,
  StateSchema,
} from './common';
import { AttachmentRefSchema, MESSAGE_KINDS } from './mutations';

/**
 * Entities that flow down to devices in pull pages. Each data schema is the full current row,
 * shaped so a device can upsert it as is (no joins, no server-only fields).
 */

/**
 * PIN hashes use scrypt with the parameters inside the string, so devices can verify a PIN
 * offline: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` (hash over the UTF-8 PIN).
 */
/** HMAC-SHA256 output or a 32-byte key, base64url without padding. */
const KeyedHashSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 bytes, base64url');

const PIN_HASH_PATTERN = /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

/**
 * What a lobby kiosk knows of a resident (a directory entry): enough for a depositor to find them
 * by state and DOC number and see the name on the receipt. No PIN hash, badge or tablet.
 */
export const DirectoryEntryDataSchema = z.object({
  id: IdSchema,
  facilityId: IdSchema,
  state: StateSchema,
  docNumber: DocNumberSchema,
  firstName: z.string().min(1),
  lastName: z.string().min(1),
});
export type DirectoryEntryData = z.infer<typeof DirectoryEntryDataSchema>;

/** A resident's sign-in record: the directory entry with the credentials. */
export const ResidentDataSchema = DirectoryEntryDataSchema.extend({
  /** The housing unit whose kiosks hold these credentials (null: none yet). */
  housingUnitId: IdSchema.nullable(),
  pinHash: z.string().regex(PIN_HASH_PATTERN),
  /** The badge code as a keyed hash (`badgeHash`, below); never the code itself. */
  badgeHash: KeyedHashSchema.nullable(),
  tabletSerial: z.string().nullable(),
  failedPinAttempts: z.number().int().nonnegative(),
  locked: z.boolean(),
  lockedAt: InstantSchema.nullable(),
});
export type ResidentData = z.infer<typeof ResidentDataSchema>;

/** Where a device stands (id = device id): a housing-unit kiosk's unit, sent to its own scope. */
export const AssignmentDataSchema = z.object({ id: IdSchema, housingUnitId: IdSchema.nullable() });

/**
 * The facility's badge key (id = key id), sent to each device that signs residents in by badge:
 * it hashes a scanned badge with it and looks the hash up (`badgeHash`).
 */
export const BadgeKeyDataSchema = z.object({
  id: IdSchema,
  /** 32 random bytes, base64url. */
  key: KeyedHashSchema,
});
export type BadgeKeyData = z.infer<typeof BadgeKeyDataSchema>;

/** A customer the resident may write to (id = customer id). */
export const ContactDataSchema = z.object({
  id: IdSchema,
  residentId: IdSchema,
  displayName: z.string().min(1),
  /** Prepaid reply stamps this customer gave the resident, usable only to reply to them. */
  prepaidReplyStamps: StampCountSchema,
});
export type ContactData = z.infer<typeof ContactDataSchema>;

const TimelineEntrySchema = z.object({
  status: z.enum(MESSAGE_STATUSES),
  at: InstantSchema,
  /** Reject reason code on rejected (one of REJECT_REASONS); refusal code on a return to draft. */
  reason: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const MessageDataSchema = z.object({
  id: IdSchema,
  residentId: IdSchema,
  customerId: IdSchema,
  direction: z.enum(MESSAGE_DIRECTIONS),
  kind: z.enum(MESSAGE_KINDS),
  subject: z.string(),
  body: z.string(),
  attachments: z.array(AttachmentRefSchema),
  status: z.enum(MESSAGE_STATUSES),
  timeline: z.array(TimelineEntrySchema),
  stampsCharged: StampCountSchema,
  prepaidStampsUsed: StampCountSchema,
  /** Prepaid reply stamps a customer attached to this (inbound) message. */
  prepaidReplyStampsAttached: StampCountSchema,
  sentAt: InstantSchema,
  /** docs/rules.md: delivered within 72 hours of sending. */
  expectedDeliveryBy: InstantSchema,
  rejectReason: z.enum(REJECT_REASONS).nullable(),
  /**
   * The sender's view: attachments review rejected while the text was released, each with its
   * reason (the recipient never receives them). Empty in a recipient's view.
   */
  withheldAttachments: z.array(
    z.object({ sha256: AttachmentRefSchema.shape.sha256, reason: z.enum(REJECT_REASONS) }),
  ),
  /** The sender's view: stamps refunded for rejected items (0 in a recipient's view). */
  refundedStamps: StampCountSchema,
});
export type MessageData = z.infer<typeof MessageDataSchema>;

/** A resident's authoritative balances (id = resident id). */
export const AccountDataSchema = z.object({
  id: IdSchema,
  stamps: StampCountSchema,
  spendableCents: CentsSchema,
});
export type AccountData = z.infer<typeof AccountDataSchema>;

const LEDGER_ACCOUNTS = ['stamps', 'money', 'reply_stamps'] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];
const LEDGER_KINDS = [
  'stamp_purchase',
  'mail_send',
  'reply_stamps_received',
  'deposit',
  'deposit_fee',
  'chargeback_settlement',
  'adjustment',
  /** Stamps given back for an item review rejected; reference `<messageId>:<item>`. */
  'mail_refund',
  /** A customer's unused stamps paid back to their card (customer ledger only). */
  'stamp_refund',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One append-only ledger entry: `amount` is signed (credit > 0, debit < 0). */
export const LedgerEntryDataSchema = z.object({
  id: IdSchema,
  residentId: IdSchema,
  account: z.enum(LEDGER_ACCOUNTS),
  /** For reply_stamps: the customer whose prepaid stamps these are. */
  customerId: IdSchema.nullable(),
  amount: z.number().int(),
  kind: z.enum(LEDGER_KINDS),
  reference: LedgerReferenceSchema,
  createdAt: InstantSchema,
});
export type LedgerEntryData = z.infer<typeof LedgerEntryDataSchema>;

export const TicketDataSchema = z.object({
  id: IdSchema,
  residentId: IdSchema,
  tabletSerial: z.string(),
  category: z.enum(TICKET_CATEGORIES),
  description: z.string(),
  status: z.enum(TICKET_STATUSES),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type TicketData = z.infer<typeof TicketDataSchema>;

export const TicketMessageDataSchema = z.object({
  id: IdSchema,
  ticketId: IdSchema,
  author: z.enum(['resident', 'agent']),
  body: z.string(),
  createdAt: InstantSchema,
});
export type TicketMessageData = z.infer<typeof TicketMessageDataSchema>;

export const ReleaseRequestDataSchema = z.object({
  id: IdSchema,
  residentId: IdSchema,
  tabletSerial: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  docNumber: z.string(),
  phone: z.string(),
  returnAddress: z.string(),
  agencyAddress: z.string(),
  status: z.enum(RELEASE_STATUSES),
  timeline: z.array(z.object({ status: z.enum(RELEASE_STATUSES), at: InstantSchema })),
});
export type ReleaseRequestData = z.infer<typeof ReleaseRequestDataSchema>;

const BLOCK_KINDS = ['card_sender', 'card_receiver'] as const;
/**
 * A chargeback block (docs/rules.md "Blocks from chargebacks"): `card_sender` stops a customer's
 * bank-card transactions, `card_receiver` stops a resident receiving them. Lifted blocks are
 * sent as tombstones.
 */
export const BlockDataSchema = z.object({
  id: IdSchema,
  kind: z.enum(BLOCK_KINDS),
  subjectType: z.enum(['customer', 'resident']),
  subjectId: IdSchema,
  chargebackId: IdSchema,
  since: InstantSchema,
});
export type BlockData = z.infer<typeof BlockDataSchema>;

/** Entity name -> data schema. */
const ENTITY_SCHEMAS = {
  facility: FacilityConfigSchema,
  resident: ResidentDataSchema,
  directory_entry: DirectoryEntryDataSchema,
  badge_key: BadgeKeyDataSchema,
  assignment: AssignmentDataSchema,
  contact: ContactDataSchema,
  message: MessageDataSchema,
  account: AccountDataSchema,
  ledger_entry: LedgerEntryDataSchema,
  ticket: TicketDataSchema,
  ticket_message: TicketMessageDataSchema,
  release_request: ReleaseRequestDataSchema,
  block: BlockDataSchema,
} as const;
export type EntityName = keyof typeof ENTITY_SCHEMAS;
export const ENTITY_NAMES = Object.keys(ENTITY_SCHEMAS) as EntityName[];
