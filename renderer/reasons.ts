import { isSyncProblem, REJECT_REASONS, type SyncProblem } from '../domain/types';

/** Reasons a send comes back refused by the central service (its rejection codes). */
const SEND_REFUSALS = [
  'insufficient_stamps',
  'feature_not_offered',
  'price_changed',
  'locked',
  'forbidden',
  'not_found',
  'attachment_missing',
] as const;

export type ReasonKey = (typeof REJECT_REASONS)[number] | (typeof SEND_REFUSALS)[number] | 'other';

const KNOWN_REASONS: readonly string[] = [...REJECT_REASONS, ...SEND_REFUSALS];

/** Reason codes from review or a refused send, as i18n keys; unknown codes read as "other". */
export function reasonKey(code: string | null): ReasonKey {
  return code && KNOWN_REASONS.includes(code) ? (code as ReasonKey) : 'other';
}

/**
 * A card reader's error code as what the person can do about it. The reader reports typed codes
 * (a refused brand, an expired card, a bad swipe and finer read failures); a code this build
 * does not know reads as "could not read", which always invites another swipe.
 */
export type CardErrorKey = 'not_accepted' | 'expired' | 'unreadable';

const CARD_ERRORS: Readonly<Record<string, CardErrorKey>> = {
  brand_refused: 'not_accepted',
  not_accepted: 'not_accepted',
  expired: 'expired',
};

export function cardErrorKey(code: string | null): CardErrorKey {
  return (code && CARD_ERRORS[code]) || 'unreadable';
}

/** The processor's reason for a declined card, as what the person can do about it. */
export type CardDeclineKey = 'insufficient_funds' | 'expired_card' | 'declined';

export function cardDeclineKey(declineCode: unknown): CardDeclineKey {
  return declineCode === 'insufficient_funds' || declineCode === 'expired_card'
    ? declineCode
    : 'declined';
}

/** Why the last sync failed, for the service screen. */
export type SyncProblemKey = SyncProblem | 'none' | 'other';

export function syncProblemKey(code: string | null): SyncProblemKey {
  if (code === null) return 'none';
  return isSyncProblem(code) ? code : 'other';
}
