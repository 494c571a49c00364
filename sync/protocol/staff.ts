import { z } from 'zod';
import {
  MESSAGE_DIRECTIONS,
  MESSAGE_STATUSES,
  REJECT_REASONS,
  REVIEW_DECISIONS,
  visibleLineSchema,
} from '../../domain';
import { IdSchema, InstantSchema } from './common';
import { AttachmentRefSchema } from './mutations';

/**
 * Staff API: review queue, decisions (all audited), unlocks, audit trail. Calls carry
 * `authorization: Bearer <staff token>` issued by the admin API.
 */

export const CreateStaffRequestSchema = z.object({
  name: visibleLineSchema(1, 100),
  facilityId: IdSchema,
});
export const CreateStaffResponseSchema = z.object({ staffId: IdSchema, token: z.string() });

export const ReviewFlagSchema = z.object({ reason: z.string(), match: z.string() });
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
export const ReviewQueueResponseSchema = z.object({ items: z.array(ReviewItemSchema) });

export const ReviewDecisionRequestSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.enum(REJECT_REASONS).optional(),
    note: z.string().trim().max(1000).default(''),
  })
  .refine((d) => d.decision !== 'reject' || d.reason !== undefined, {
    message: 'a rejection needs a reason code',
    path: ['reason'],
  });

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
export const AuditResponseSchema = z.object({ entries: z.array(AuditEntrySchema) });
