import { recordLoginAttempt, type LoginAttemptResult, type LockoutState } from '../../../domain';
import type { Queryable } from '../storage/types';
import type { Work } from '../work';

/**
 * Wrong passwords are counted per account *and* per source address (the domain's five-in-a-row
 * lock applies to each pair). An attacker guessing from their own address locks only themselves
 * out of that account; the owner, from another address, still signs in. Staff unlock clears every
 * source of an account. `account` is `customer:<id>` or `staff:<id>`.
 */

export async function lockoutState(
  q: Queryable,
  account: string,
  source: string,
): Promise<LockoutState> {
  const row = await q.get<{ failures: number; locked_at: string | null }>(
    'SELECT failures, locked_at FROM login_failures WHERE account = ? AND source = ?',
    [account, source],
  );
  return { failedAttempts: row ? Number(row.failures) : 0, lockedAt: row?.locked_at ?? null };
}

/** Records one checked attempt for (account, source) and returns the domain's verdict. */
export async function recordAttempt(
  work: Work,
  account: string,
  source: string,
  correct: boolean,
): Promise<LoginAttemptResult> {
  const attempt = recordLoginAttempt(
    await lockoutState(work.tx, account, source),
    correct,
    work.now,
  );
  if (attempt.state.failedAttempts === 0 && attempt.state.lockedAt === null) {
    await work.tx.run('DELETE FROM login_failures WHERE account = ? AND source = ?', [
      account,
      source,
    ]);
  } else {
    await work.tx.run(
      `INSERT INTO login_failures (account, source, failures, locked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, source) DO UPDATE SET failures = excluded.failures, locked_at = excluded.locked_at`,
      [account, source, attempt.state.failedAttempts, attempt.state.lockedAt],
    );
  }
  return attempt;
}

/** Staff unlock, or a new password chosen: every source starts clean. */
export async function clearFailures(work: Work, account: string): Promise<void> {
  await work.tx.run('DELETE FROM login_failures WHERE account = ?', [account]);
}
