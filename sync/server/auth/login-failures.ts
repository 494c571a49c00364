import { recordLoginAttempt, type LoginAttemptResult, type LockoutState } from '../../../domain';
import { typed } from '../storage/typed';
import type { Queryable } from '../storage/types';
import type { Work } from '../work';

/**
 * Wrong passwords are counted per account *and* per source address (the domain's five-in-a-row
 * lock applies to each pair). An attacker guessing from their own address locks only themselves
 * out of that account; the owner, from another address, still signs in. Staff unlock clears every
 * source of an account. `account` is `customer:<id>` or `staff:<id>`.
 */

export async function lockoutState(
  queryable: Queryable,
  account: string,
  source: string,
): Promise<LockoutState> {
  const row = await typed(queryable).first((db) =>
    db
      .selectFrom('login_failures')
      .select(['failures', 'locked_at'])
      .where('account', '=', account)
      .where('source', '=', source),
  );
  return { failedAttempts: row?.failures ?? 0, lockedAt: row?.locked_at ?? null };
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
  const q = typed(work.tx);
  const { failedAttempts, lockedAt } = attempt.state;
  if (failedAttempts === 0 && lockedAt === null) {
    await q.run((db) =>
      db.deleteFrom('login_failures').where('account', '=', account).where('source', '=', source),
    );
  } else {
    await q.run((db) =>
      db
        .insertInto('login_failures')
        .values({ account, source, failures: failedAttempts, locked_at: lockedAt })
        .onConflict((oc) =>
          oc.columns(['account', 'source']).doUpdateSet((eb) => ({
            failures: eb.ref('excluded.failures'),
            locked_at: eb.ref('excluded.locked_at'),
          })),
        ),
    );
  }
  return attempt;
}

/** Staff unlock, or a new password chosen: every source starts clean. */
export async function clearFailures(work: Work, account: string): Promise<void> {
  await typed(work.tx).run((db) => db.deleteFrom('login_failures').where('account', '=', account));
}
