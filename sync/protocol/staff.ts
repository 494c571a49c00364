import { z } from 'zod';
import {
  STAFF_ROLES,
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  REJECT_REASONS,
  REVIEW_DECISIONS,
  visibleLineSchema,
} from '../../domain';
import { IdSchema, InstantSchema, Sha256HexSchema } from './common';
import { AttachmentRefSchema } from './mutations';

/**
 * Staff API: sign-in (password + TOTP code), sessions, review queue, decisions (all audited),
 * unlocks, audit trail. After sign-in the browser holds the session in an httpOnly cookie and
 * sends the CSRF token it received in `x-homeline-csrf` on every call that changes something.
 */

/** A role for one facility, or for every facility (`*`, the deployment's IT). */
const StaffGrantSchema = z.object({
  role: z.enum(STAFF_ROLES),
  facilityId: z.union([IdSchema, z.literal('*')]),
});

export const CreateStaffRequestSchema = z.object({
  email: z.email().max(254),
  name: visibleLineSchema(1, 100),
  grants: z.array(StaffGrantSchema).min(1).max(50),
});
/** Shown once to the IT admin, who hands them to the person out of band. */
export const CreateStaffResponseSchema = z.object({
  staffId: IdSchema,
  initialPassword: z.string(),
  totpSecret: z.string(),
  otpauthUri: z.string(),
});

export const StaffLoginRequestSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
  code: z.string().regex(/^\d{6}$/),
});
export const StaffLoginResponseSchema = z.object({
  staffId: IdSchema,
  name: z.string(),
  grants: z.array(StaffGrantSchema),
  csrfToken: z.string(),
  expiresAt: InstantSchema,
});
export const StaffSessionInfoSchema = z.object({
  sessionId: IdSchema,
  source: z.string(),
  userAgent: z.string(),
  createdAt: InstantSchema,
  lastSeenAt: InstantSchema,
  expiresAt: InstantSchema,
  current: z.boolean(),
});

const ReviewFlagSchema = z.object({ reason: z.string(), match: z.string() });
export const ReviewItemSchema = z.object({
  messageId: IdSchema,
  residentId: IdSchema,
  customerId: IdSchema,
  direction: z.enum(MESSAGE_DIRECTIONS),
  subject: z.string(),
  body: z.string(),
  attachmentCount: z.number().int().nonnegative(),
  /** Each one the reviewer sees at GET /v1/staff/review/:messageId/attachments/:sha256. */
  attachments: z.array(AttachmentRefSchema),
  status: z.enum(MESSAGE_STATUSES),
  flags: z.array(ReviewFlagSchema),
  escalated: z.boolean(),
  sentAt: InstantSchema,
  expectedDeliveryBy: InstantSchema,
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

/** One attachment's own decision, by its hash; a rejection needs its reason. */
const AttachmentDecisionSchema = z
  .object({
    sha256: Sha256HexSchema,
    decision: z.enum(['approve', 'reject']),
    reason: z.enum(REJECT_REASONS).optional(),
  })
  .refine((d) => d.decision !== 'reject' || d.reason !== undefined, {
    message: 'a rejected attachment needs a reason code',
    path: ['reason'],
  });

/**
 * A decision on a message, per item: `decision` is the text's (and with it the message's);
 * `attachments` may reject single attachments of an approved message, which is then released
 * without them and their stamps refunded. Rejecting the text rejects the whole message, so
 * attachment decisions come only with `approve`. An attachment not named goes with the text.
 */
export const ReviewDecisionRequestSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.enum(REJECT_REASONS).optional(),
    note: z.string().trim().max(1000).default(''),
    attachments: z.array(AttachmentDecisionSchema).max(10).default([]),
  })
  .refine((d) => d.decision !== 'reject' || d.reason !== undefined, {
    message: 'a rejection needs a reason code',
    path: ['reason'],
  })
  .refine((d) => d.attachments.length === 0 || d.decision === 'approve', {
    message: 'attachments are decided one by one only when the text is approved',
    path: ['attachments'],
  })
  .refine((d) => new Set(d.attachments.map((a) => a.sha256)).size === d.attachments.length, {
    message: 'each attachment is decided once',
    path: ['attachments'],
  });
export type ReviewDecisionRequest = z.infer<typeof ReviewDecisionRequestSchema>;

/** Revoking a release: the message becomes rejected and the resident's devices delete it. */
export const RevokeReleaseRequestSchema = z.object({
  reason: z.enum(REJECT_REASONS),
  note: z.string().trim().max(1000).default(''),
});

export const AuditEntrySchema = z.object({
  id: IdSchema,
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: IdSchema,
  detail: z.record(z.string(), z.unknown()),
  at: InstantSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** IT creates a housing unit of a facility (`PUT /v1/admin/housing-units`; renaming by id). */
export const HousingUnitRequestSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, - and _ (at most 64)')
    .optional(),
  facilityId: IdSchema,
  name: visibleLineSchema(1, 100),
});
export const HousingUnitSchema = z.object({ id: IdSchema, facilityId: IdSchema, name: z.string() });
export type HousingUnit = z.infer<typeof HousingUnitSchema>;

/**
 * A supervisor moves a resident (`POST /v1/staff/residents/:id/housing`): to another unit of
 * the same facility (or none), and to another tablet (or none). Left out: unchanged.
 */
export const MoveResidentRequestSchema = z
  .object({
    housingUnitId: IdSchema.nullable().optional(),
    tabletSerial: z.string().trim().min(1).max(64).nullable().optional(),
  })
  .refine((input) => input.housingUnitId !== undefined || input.tabletSerial !== undefined, {
    message: 'name a housing unit, a tablet serial, or both',
  });

/**
 * Finance records what it counted when it took a kiosk's cash box (POST
 * /v1/staff/cash-collections); `collectionId` is the idempotency key.
 */
export const CashCollectionRequestSchema = z.object({
  collectionId: z.uuid(),
  deviceId: IdSchema,
  countedCents: z.number().int().nonnegative().max(100_000_000),
  billCount: z.number().int().nonnegative().max(100_000),
  note: z.string().trim().max(1000).default(''),
});

/** GET /v1/staff/cash-report?deviceId=&from=&to=: one kiosk's cash, journal, booked, counted. */
export const CashReportQuerySchema = z.object({
  deviceId: IdSchema,
  from: InstantSchema,
  to: InstantSchema,
});
const CashFigureSchema = z.object({ cents: z.number().int(), bills: z.number().int() });
/**
 * What differs in a collection period: sessions the kiosk's journal stacked that the service
 * never booked (a refused deposit, a purpose lost), cash booked without a journal summary, and
 * a counted box that is not what the journal stacked.
 */
export const CASH_FLAGS = ['journal_not_booked', 'booked_not_journaled', 'count_differs'] as const;
export const CashReportResponseSchema = z.object({
  deviceId: IdSchema,
  from: InstantSchema,
  to: InstantSchema,
  /** Bills the kiosk's acceptor stacked, per its journal summaries received in the period. */
  journal: CashFigureSchema,
  /**
   * Cash the service booked from this kiosk (cash deposits and cash stamp purchases); `bills`
   * counts booked cash sessions, each booked as one bill of its total.
   */
  booked: CashFigureSchema,
  /**
   * Each collection in the period against what came in since the collection before it: the
   * journal, the booked cash and the count, with the differences (negative: less than the
   * first figure expects) and their flags.
   */
  collections: z.array(
    z.object({
      collectionId: IdSchema,
      collectedAt: InstantSchema,
      countedCents: z.number().int(),
      countedBills: z.number().int(),
      journalCents: z.number().int(),
      journalBills: z.number().int(),
      bookedCents: z.number().int(),
      bookedBills: z.number().int(),
      /** Counted minus booked. */
      differenceCents: z.number().int(),
      /** Booked minus journal. */
      bookedMinusJournalCents: z.number().int(),
      /** Counted minus journal. */
      countedMinusJournalCents: z.number().int(),
      /** Journaled sessions of the period with no booked cash of the same total. */
      unbookedSessions: z.array(z.object({ cashSessionId: IdSchema, cents: z.number().int() })),
      flags: z.array(z.enum(CASH_FLAGS)),
      enteredBy: z.string(),
    }),
  ),
});
export type CashReport = z.infer<typeof CashReportResponseSchema>;
