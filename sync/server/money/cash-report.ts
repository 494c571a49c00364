import type { z } from 'zod';
import type { CashCollectionRequestSchema, CashReport } from '../../protocol';
import { auditStaff } from '../audit';
import { mayActIn, type StaffActor } from '../http/access-control';
import { reject } from '../rejection';
import type { Queryable } from '../storage/types';
import type { Work } from '../work';

/**
 * Cash-box reconciliation per kiosk, for finance, three figures per collection period: what
 * the kiosk's acceptor stacked (its journal summaries, `cash_journals`), what the service
 * booked from it (cash deposits and cash stamp purchases carry their cash session as a bill,
 * `bills` joined to deposits paid by `kiosk:<device>`) and what finance counted when it took
 * the cash box. Both the journal and the booking count when the service received them, so a
 * session stacked before a collection but pushed after it counts in the next period, on both.
 */

/** A kiosk or lobby device of the staff member's facilities; any other is not found. */
async function cashDevice(db: Queryable, staff: StaffActor, deviceId: string) {
  const device = await db.get<{ facility_id: string; profile: string }>(
    'SELECT facility_id, profile FROM devices WHERE id = ?',
    [deviceId],
  );
  if (!device || device.profile === 'tablet' || !mayActIn(staff, device.facility_id)) {
    reject('not_found', `no kiosk ${deviceId} here`);
  }
  return device;
}

export async function recordCashCollection(
  work: Work,
  staff: StaffActor,
  input: z.infer<typeof CashCollectionRequestSchema>,
): Promise<{ collectionId: string; collectedAt: string }> {
  const device = await cashDevice(work.tx, staff, input.deviceId);
  await work.tx.run(
    `INSERT INTO cash_collections (id, device_id, facility_id, collected_at, counted_cents,
       bill_count, entered_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      input.collectionId,
      input.deviceId,
      device.facility_id,
      work.now,
      input.countedCents,
      input.billCount,
      `staff:${staff.staffId}`,
      input.note,
    ],
  );
  await auditStaff(
    work,
    staff,
    'cash.collect',
    { type: 'device', id: input.deviceId, facilityId: device.facility_id },
    {
      before: null,
      after: { countedCents: input.countedCents, billCount: input.billCount },
      note: input.note,
    },
  );
  return { collectionId: input.collectionId, collectedAt: work.now };
}

async function bookedBetween(db: Queryable, deviceId: string, from: string, to: string) {
  const row = await db.get<{ cents: number | null; bills: number; unjournaled: number }>(
    `SELECT SUM(b.cents) AS cents, COUNT(b.bill_id) AS bills,
            SUM(CASE WHEN j.cash_session_id IS NULL THEN 1 ELSE 0 END) AS unjournaled
       FROM deposits d JOIN bills b ON b.deposit_id = d.id
       LEFT JOIN cash_journals j ON j.cash_session_id = b.bill_id
      WHERE d.customer_id = ? AND d.created_at >= ? AND d.created_at < ?`,
    [`kiosk:${deviceId}`, from, to],
  );
  return {
    cents: Number(row?.cents ?? 0),
    bills: Number(row?.bills ?? 0),
    unjournaled: Number(row?.unjournaled ?? 0),
  };
}

async function journaledBetween(db: Queryable, deviceId: string, from: string, to: string) {
  const sessions = await db.all<{
    cash_session_id: string;
    total_cents: number;
    bill_count: number;
    booked_cents: number | null;
  }>(
    `SELECT j.cash_session_id, j.total_cents, j.bill_count, b.cents AS booked_cents
       FROM cash_journals j LEFT JOIN bills b ON b.bill_id = j.cash_session_id
      WHERE j.device_id = ? AND j.received_at >= ? AND j.received_at < ?
      ORDER BY j.received_at, j.cash_session_id`,
    [deviceId, from, to],
  );
  return {
    cents: sessions.reduce((sum, s) => sum + Number(s.total_cents), 0),
    bills: sessions.reduce((sum, s) => sum + Number(s.bill_count), 0),
    unbooked: sessions
      .filter((s) => s.booked_cents === null || Number(s.booked_cents) !== Number(s.total_cents))
      .map((s) => ({ cashSessionId: s.cash_session_id, cents: Number(s.total_cents) })),
  };
}

export async function cashReport(
  db: Queryable,
  staff: StaffActor,
  query: { deviceId: string; from: string; to: string },
): Promise<CashReport> {
  await cashDevice(db, staff, query.deviceId);
  if (query.from >= query.to) reject('invalid_args', 'the period must end after it starts');
  const rows = await db.all<{
    id: string;
    collected_at: string;
    counted_cents: number;
    bill_count: number;
    entered_by: string;
  }>(
    `SELECT id, collected_at, counted_cents, bill_count, entered_by FROM cash_collections
     WHERE device_id = ? AND collected_at >= ? AND collected_at < ? ORDER BY collected_at, id`,
    [query.deviceId, query.from, query.to],
  );
  const collections: CashReport['collections'] = [];
  for (const row of rows) {
    const previous = await db.get<{ collected_at: string }>(
      `SELECT collected_at FROM cash_collections WHERE device_id = ? AND collected_at < ?
       ORDER BY collected_at DESC LIMIT 1`,
      [query.deviceId, row.collected_at],
    );
    const since = previous?.collected_at ?? '';
    const booked = await bookedBetween(db, query.deviceId, since, row.collected_at);
    const journal = await journaledBetween(db, query.deviceId, since, row.collected_at);
    const counted = Number(row.counted_cents);
    const flags: CashReport['collections'][number]['flags'] = [];
    if (journal.unbooked.length > 0) flags.push('journal_not_booked');
    if (booked.unjournaled > 0) flags.push('booked_not_journaled');
    if (counted !== journal.cents) flags.push('count_differs');
    collections.push({
      collectionId: row.id,
      collectedAt: row.collected_at,
      countedCents: counted,
      countedBills: Number(row.bill_count),
      journalCents: journal.cents,
      journalBills: journal.bills,
      bookedCents: booked.cents,
      bookedBills: booked.bills,
      differenceCents: counted - booked.cents,
      bookedMinusJournalCents: booked.cents - journal.cents,
      countedMinusJournalCents: counted - journal.cents,
      unbookedSessions: journal.unbooked,
      flags,
      enteredBy: row.entered_by,
    });
  }
  const booked = await bookedBetween(db, query.deviceId, query.from, query.to);
  const journal = await journaledBetween(db, query.deviceId, query.from, query.to);
  return {
    ...query,
    journal: { cents: journal.cents, bills: journal.bills },
    booked: { cents: booked.cents, bills: booked.bills },
    collections,
  };
}
