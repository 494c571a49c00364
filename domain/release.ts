import { z } from 'zod';
import { DocNumberSchema, StateCodeSchema } from './credentials';
import { checkTransition, type TransitionTable } from './state-machine';
import type { ReleaseStatus } from './types';

/**
 * docs/rules.md "Tablets: Release and unlock": after release the person mails the tablet to the
 * warehouse with the printed form; the request moves requested -> received -> unlocked ->
 * shipped_back, one step at a time.
 */
export const RELEASE_TRANSITIONS: TransitionTable<ReleaseStatus> = {
  requested: ['received'],
  received: ['unlocked'],
  unlocked: ['shipped_back'],
  shipped_back: [],
};

export function transitionRelease(from: ReleaseStatus, to: ReleaseStatus) {
  return checkTransition(RELEASE_TRANSITIONS, 'release request', from, to);
}

const line = (max: number) => z.string().trim().min(1).max(max);

/** Everything the release/unlock form carries (docs/rules.md lists each field). */
export const ReleaseFormSchema = z.object({
  agencyAddress: line(500),
  firstName: line(100),
  lastName: line(100),
  state: StateCodeSchema,
  docNumber: DocNumberSchema,
  /** Digits with optional +, spaces, dashes, dots and parentheses; 7 to 15 digits. */
  telephone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ().-]{7,25}$/, 'telephone may hold digits, spaces, + - . ( ) only')
    .refine((phone) => /^(?:\D*\d){7,15}\D*$/.test(phone), 'telephone needs 7-15 digits'),
  returnAddress: line(500),
});
export type ReleaseForm = z.infer<typeof ReleaseFormSchema>;
