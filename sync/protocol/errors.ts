import { z } from 'zod';
import { REJECTION_CODES } from './mutations';

/**
 * Every error answer of the central service has this body. `code` is stable and
 * machine-readable (devices translate it); `message` is an English developer text.
 */
const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'replayed',
  'session_expired',
  'device_revoked',
  'upgrade_required',
  'epoch_changed',
  'payload_too_large',
  'unsupported_media_type',
  'range_not_satisfiable',
  'hash_mismatch',
  'locked',
  'rate_limited',
  'internal',
  'card_declined',
  'card_token_invalid',
  'processor_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP APIs answer business refusals with the same codes push stores (REJECTION_CODES). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum([...ERROR_CODES, ...REJECTION_CODES]),
    message: z.string(),
    /** Field problems for bad_request: path and message per issue. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** The processor's reason for card_declined / card_token_invalid (e.g. insufficient_funds). */
    declineCode: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** HTTP 409 answer to a pull whose cursor belongs to another server epoch (a restored server). */
export const EpochChangedSchema = z.object({
  error: z.object({ code: z.literal('epoch_changed'), message: z.string(), epoch: z.string() }),
});
