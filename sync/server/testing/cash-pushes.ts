import type { CashJournalSummary, PushResponse } from '../../protocol';
import type { TestDevice } from './device';

/**
 * What a kiosk pushes for its cash, for the cash tests: a session booked as one bill of its
 * total (as the kiosk books it) and the journal summary of the same session.
 */

const seqs = new WeakMap<TestDevice, number>();

/**
 * Pushes mutations under the device's next sequence numbers; answers their outcomes (one seen
 * before as `duplicate` with its first outcome).
 */
export async function pushAs(
  device: TestDevice,
  mutations: { name: string; args: unknown; id?: string }[],
  createdAt = new Date().toISOString(),
) {
  let seq = seqs.get(device) ?? 0;
  const answer = await device.request<PushResponse>('POST', '/v1/push', {
    mutations: mutations.map(({ name, args, id }) => {
      seq += 1;
      return { id: id ?? crypto.randomUUID(), seq, createdAt, name, args };
    }),
  });
  seqs.set(device, seq);
  if (answer.status !== 200) throw new Error(`push answered ${answer.status}`);
  return answer.body.results.map((result) =>
    result.status === 'duplicate'
      ? { status: 'duplicate' as const, firstOutcome: result.outcome }
      : result.outcome,
  );
}

/** A lobby cash deposit of the whole session (fee 195 cents) carrying the session as its bill. */
export function cashDeposit(cashSessionId: string, residentId: string, totalCents: number) {
  return {
    name: 'deposit.create',
    args: {
      channel: 'kiosk_cash',
      depositId: crypto.randomUUID(),
      residentId,
      amountCents: totalCents - 195,
      feeCents: 195,
      bills: [{ billId: cashSessionId, cents: totalCents }],
    },
  };
}

/** The journal summary of a session that stacked `bills` (cents each). */
export function journalOf(
  cashSessionId: string,
  residentId: string | null,
  bills: number[],
  at: string,
): { name: 'cash.journal'; args: CashJournalSummary } {
  const counts = new Map<number, number>();
  for (const cents of bills) counts.set(cents, (counts.get(cents) ?? 0) + 1);
  return {
    name: 'cash.journal',
    args: {
      cashSessionId,
      residentId,
      denominations: [...counts].map(([cents, count]) => ({ cents, count })),
      totalCents: bills.reduce((sum, cents) => sum + cents, 0),
      firstBillAt: at,
      lastBillAt: at,
    },
  };
}
