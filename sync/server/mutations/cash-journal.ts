import type { MutationArgs } from '../../protocol';
import type { AuthenticatedDevice } from '../http/device-auth';
import { reject } from '../rejection';
import type { Work } from '../work';

type StoredSummary = {
  device_id: string;
  resident_id: string | null;
  total_cents: number;
  bill_count: number;
  denominations: string;
};

/** One canonical text per summary, so a replay compares equal whatever order it listed. */
function denominationsText(args: MutationArgs<'cash.journal'>): string {
  const sorted = [...args.denominations].sort((a, b) => a.cents - b.cents);
  return JSON.stringify(sorted.map(({ cents, count }) => ({ cents, count })));
}

/**
 * cash.journal from a kiosk or lobby kiosk (a tablet has no acceptor: refused before this by
 * the push gate, as is a resident of another facility). A session is this device's alone: a
 * summary naming a session another device summarised, or whose cash another device booked, is
 * `forbidden`; one whose total is not the cash the service booked for that session is
 * `conflict` (the journal and the deposit must tell the same story), as is one naming another
 * resident than the booking's, or none (a summary without a resident is of bills that paid for
 * nothing: the report lists it as journaled but not booked). Applied once per session:
 * the same summary again books nothing, another one for the same session is `conflict`.
 */
export async function cashJournal(
  work: Work,
  device: AuthenticatedDevice,
  args: MutationArgs<'cash.journal'>,
): Promise<void> {
  const denominations = denominationsText(args);
  const billCount = args.denominations.reduce((sum, d) => sum + d.count, 0);
  const stored = await work.tx.get<StoredSummary>(
    `SELECT device_id, resident_id, total_cents, bill_count, denominations FROM cash_journals
      WHERE cash_session_id = ?`,
    [args.cashSessionId],
  );
  if (stored) {
    if (stored.device_id !== device.id) {
      reject('forbidden', `cash session ${args.cashSessionId} is another device's`);
    }
    const same =
      stored.resident_id === args.residentId &&
      Number(stored.total_cents) === args.totalCents &&
      Number(stored.bill_count) === billCount &&
      stored.denominations === denominations;
    if (!same) reject('conflict', `cash session ${args.cashSessionId} was summarised otherwise`);
    return;
  }
  const booked = await work.tx.get<{ cents: number; payer: string | null; resident: string }>(
    `SELECT b.cents AS cents, d.customer_id AS payer, d.resident_id AS resident FROM bills b
       JOIN deposits d ON d.id = b.deposit_id WHERE b.bill_id = ?`,
    [args.cashSessionId],
  );
  if (booked) {
    if (booked.payer !== `kiosk:${device.id}`) {
      reject('forbidden', `cash session ${args.cashSessionId} was booked by another device`);
    }
    if (booked.resident !== args.residentId) {
      reject('conflict', `cash session ${args.cashSessionId} was booked for another resident`);
    }
    if (Number(booked.cents) !== args.totalCents) {
      reject(
        'conflict',
        `the journal's ${args.totalCents} cents are not the ${Number(booked.cents)} cents booked for the session`,
      );
    }
  }
  await work.tx.run(
    `INSERT INTO cash_journals (cash_session_id, device_id, facility_id, resident_id, bill_count,
       total_cents, denominations, first_bill_at, last_bill_at, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      args.cashSessionId,
      device.id,
      device.facilityId,
      args.residentId,
      billCount,
      args.totalCents,
      denominations,
      args.firstBillAt,
      args.lastBillAt,
      work.now,
    ],
  );
}
