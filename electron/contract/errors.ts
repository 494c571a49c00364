import { z } from 'zod';

/** Every failure a contract call can end in. The renderer translates codes; messages are for logs. */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_method',
  'unauthenticated',
  'forbidden',
  'not_found',
  'invalid_credentials',
  'locked',
  'session_expired',
  'insufficient_stamps',
  'insufficient_funds',
  'blocked',
  'conflict',
  'unavailable_service',
  'device_unavailable',
  'device_error',
  'payload_too_large',
  'timeout',
  /** The device's disk is full (or the file reached its size limit): nothing was saved. */
  'storage_full',
  /** The device's disk or data folder became read-only: nothing was saved. */
  'storage_read_only',
  /** The device's disk failed to read or write: nothing was saved. */
  'storage_failed',
  /** A card payment needs the central service, which cannot be reached now: nothing was charged. */
  'card_needs_network',
  /** The card processor declined the card (details.declineCode): nothing was charged. */
  'card_declined',
  /** The card processor cannot be reached now: nothing was charged. */
  'processor_unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const detailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ContractErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** Machine-readable facts for the screen, e.g. { attemptsRemaining: 2 } or { field: 'pin' }. */
  details: z.record(z.string(), detailValue).optional(),
});
export type ContractError = z.infer<typeof ContractErrorSchema>;

/** What every call resolves to on the wire: it never rejects or throws across the boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(
  code: ErrorCode,
  message: string,
  details?: ContractError['details'],
): Result<never> {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** Thrown on the renderer side by the typed client when a call ends in an error. */
export class ContractCallError extends Error {
  readonly code: ErrorCode;
  readonly details: ContractError['details'];

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ContractCallError';
    this.code = error.code;
    this.details = error.details;
  }
}
