import { parseInstant } from './instant';
import { err, isCount, ok, type DomainError, type Result } from './result';

/**
 * docs/rules.md "Logins": 5 wrong tries in a row lock an account (customers' passwords and
 * residents' PINs alike), a success resets the count, staff unlock. A temporary password is
 * single use and expires 30 minutes after issue. Secrets themselves never reach the domain:
 * callers verify the hash and pass only whether it matched.
 */

export const MAX_FAILED_ATTEMPTS = 5;
const TEMPORARY_PASSWORD_TTL_MINUTES = 30;

export interface LockoutState {
  /** Wrong tries in a row since the last success or unlock. */
  failedAttempts: number;
  /** When the account locked; null while unlocked. */
  lockedAt: string | null;
}

export const UNLOCKED: LockoutState = Object.freeze({ failedAttempts: 0, lockedAt: null });

/** `locked` means this attempt was not even checked: the account was already locked. */
type LoginOutcome = 'accepted' | 'wrong' | 'locked_now' | 'locked';

export interface LoginAttemptResult {
  outcome: LoginOutcome;
  state: LockoutState;
  /** Wrong tries left before the lock (0 once locked). */
  attemptsLeft: number;
}

export function isLocked(state: LockoutState): boolean {
  return state.lockedAt !== null;
}

/** Applies one login attempt whose secret was `correct` or not, at instant `now`. */
export function recordLoginAttempt(
  state: LockoutState,
  correct: boolean,
  now: string,
): LoginAttemptResult {
  if (isLocked(state)) return { outcome: 'locked', state, attemptsLeft: 0 };
  if (correct) {
    return { outcome: 'accepted', state: UNLOCKED, attemptsLeft: MAX_FAILED_ATTEMPTS };
  }
  // A corrupt stored count restarts from zero rather than never locking (NaN + 1 >= 5 is false).
  const failedAttempts = (isCount(state.failedAttempts) ? state.failedAttempts : 0) + 1;
  if (failedAttempts >= MAX_FAILED_ATTEMPTS) {
    return { outcome: 'locked_now', state: { failedAttempts, lockedAt: now }, attemptsLeft: 0 };
  }
  return {
    outcome: 'wrong',
    state: { failedAttempts, lockedAt: null },
    attemptsLeft: MAX_FAILED_ATTEMPTS - failedAttempts,
  };
}

/** Staff unlock (or a new password set through a valid temporary password): a clean slate. */
export function unlockAccount(): LockoutState {
  return UNLOCKED;
}

/** A temporary password grant; the password itself is generated and hashed by the caller. */
export interface TemporaryPassword {
  issuedAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export type TemporaryPasswordError =
  | DomainError<'invalid_instant'>
  | DomainError<'temporary_password_expired'>
  | DomainError<'temporary_password_used'>;

export function issueTemporaryPassword(
  now: string,
): Result<TemporaryPassword, TemporaryPasswordError> {
  const issued = parseInstant(now);
  if (issued === null) return err({ code: 'invalid_instant', message: `not an instant: ${now}` });
  const expiresAt = new Date(issued + TEMPORARY_PASSWORD_TTL_MINUTES * 60_000).toISOString();
  return ok({ issuedAt: new Date(issued).toISOString(), expiresAt, usedAt: null });
}

/**
 * Uses a temporary password whose secret matched: refused once used or from its expiry on.
 * On success the caller stores the returned grant (now used), sets the new password and unlocks.
 */
export function redeemTemporaryPassword(
  grant: TemporaryPassword,
  now: string,
): Result<TemporaryPassword, TemporaryPasswordError> {
  const at = parseInstant(now);
  const expires = parseInstant(grant.expiresAt);
  if (at === null || expires === null) {
    return err({ code: 'invalid_instant', message: 'now and expiresAt must be ISO-8601 instants' });
  }
  if (grant.usedAt !== null) {
    return err({ code: 'temporary_password_used', message: 'this temporary password was used' });
  }
  if (at >= expires) {
    return err({ code: 'temporary_password_expired', message: 'this temporary password expired' });
  }
  return ok({ ...grant, usedAt: new Date(at).toISOString() });
}
