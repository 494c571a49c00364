import type { MutationArgs } from '../../protocol';
import type { AuthenticatedDevice } from '../http/device-auth';
import { reject } from '../rejection';
import { prepared, typed } from '../storage/typed';
import type { Work } from '../work';

const storedSummary = prepared((db, p: { session: string }) =>
  db
    .selectFrom('cash_journals')
    .select(['device_id', 'resident_id', 'total_cents', 'bill_count', 'denominations'])
    .where('cash_session_id', '=', p.session),
);

/** The cash the service booked for a session (its bill id), with who paid and for whom. */
const bookedCash = prepared((db, p: { session: string }) =>
  db
    .selectFrom('bills as b')
    .innerJoin('deposits as d', 'd.id', 'b.deposit_id')
    .select(['b.cents as cents', 'd.customer_id as payer', 'd.resident_id as resident'])
    .where('b.bill_id', '=', p.session),
);

const insertSummary = prepared(
  (
    db,
    p: {
      session: string;
      device: string;
      facility: string;
      resident: string | null;
      billCount: number;
      totalCents: number;
      denominations: string;
      firstBillAt: string;
      lastBillAt: string;
      receivedAt: string;
    },
  ) =>
    db.insertInto('cash_journals').values({
      cash_session_id: p.session,
      device_id: p.device,
      facility_id: p.facility,
      resident_id: p.resident,
      bill_count: p.billCount,
      total_cents: p.totalCents,
      denominations: p.denominations,
      first_bill_at: p.firstBillAt,
      last_bill_at: p.lastBillAt,
      received_at: p.receivedAt,
    }),
);

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
  const q = typed(work.tx);
  const stored = await q.first(storedSummary, { session: args.cashSessionId });
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
  const booked = await q.first(bookedCash, { session: args.cashSessionId });
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
  await q.run(insertSummary, {
    session: args.cashSessionId,
    device: device.id,
    facility: device.facilityId,
    resident: args.residentId,
    billCount,
    totalCents: args.totalCents,
    denominations,
    firstBillAt: args.firstBillAt,
    lastBillAt: args.lastBillAt,
    receivedAt: work.now,
  });
}
