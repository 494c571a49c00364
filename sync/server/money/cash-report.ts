import type { z } from 'zod';
import type { CashCollectionRequestSchema, CashReport } from '../../protocol';
import { auditStaff } from '../audit';
import { mayActIn, type StaffActor } from '../http/access-control';
import { reject } from '../rejection';
import { typed } from '../storage/typed';
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
async function cashDevice(queryable: Queryable, staff: StaffActor, deviceId: string) {
  const device = await typed(queryable).first((db) =>
    db.selectFrom('devices').select(['facility_id', 'profile']).where('id', '=', deviceId),
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
  await typed(work.tx).run((db) =>
    db.insertInto('cash_collections').values({
      id: input.collectionId,
      device_id: input.deviceId,
      facility_id: device.facility_id,
      collected_at: work.now,
      counted_cents: input.countedCents,
      bill_count: input.billCount,
      entered_by: `staff:${staff.staffId}`,
      note: input.note,
    }),
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

async function bookedBetween(queryable: Queryable, deviceId: string, from: string, to: string) {
  // SUM and COUNT come back as numbers on both engines (the PostgreSQL adapter parses BIGINT
  // and NUMERIC); SUM over no rows is NULL.
  const row = await typed(queryable).first((db) =>
    db
      .selectFrom('deposits as d')
      .innerJoin('bills as b', 'b.deposit_id', 'd.id')
      .leftJoin('cash_journals as j', 'j.cash_session_id', 'b.bill_id')
      .select((eb) => [
        eb.fn.sum<number | null>('b.cents').as('cents'),
        eb.fn.count<number>('b.bill_id').as('bills'),
        eb.fn
          .sum<number | null>(eb.case().when('j.cash_session_id', 'is', null).then(1).else(0).end())
          .as('unjournaled'),
      ])
      .where('d.customer_id', '=', `kiosk:${deviceId}`)
      .where('d.created_at', '>=', from)
      .where('d.created_at', '<', to),
  );
  return { cents: row?.cents ?? 0, bills: row?.bills ?? 0, unjournaled: row?.unjournaled ?? 0 };
}

async function journaledBetween(queryable: Queryable, deviceId: string, from: string, to: string) {
  const sessions = await typed(queryable).all((db) =>
    db
      .selectFrom('cash_journals as j')
      .leftJoin('bills as b', 'b.bill_id', 'j.cash_session_id')
      .select(['j.cash_session_id', 'j.total_cents', 'j.bill_count', 'b.cents as booked_cents'])
      .where('j.device_id', '=', deviceId)
      .where('j.received_at', '>=', from)
      .where('j.received_at', '<', to)
      .orderBy('j.received_at')
      .orderBy('j.cash_session_id'),
  );
  return {
    cents: sessions.reduce((sum, s) => sum + s.total_cents, 0),
    bills: sessions.reduce((sum, s) => sum + s.bill_count, 0),
    unbooked: sessions
      .filter((s) => s.booked_cents !== s.total_cents)
      .map((s) => ({ cashSessionId: s.cash_session_id, cents: s.total_cents })),
  };
}

export async function cashReport(
  queryable: Queryable,
  staff: StaffActor,
  query: { deviceId: string; from: string; to: string },
): Promise<CashReport> {
  await cashDevice(queryable, staff, query.deviceId);
  if (query.from >= query.to) reject('invalid_args', 'the period must end after it starts');
  const q = typed(queryable);
  const rows = await q.all((db) =>
    db
      .selectFrom('cash_collections')
      .select(['id', 'collected_at', 'counted_cents', 'bill_count', 'entered_by'])
      .where('device_id', '=', query.deviceId)
      .where('collected_at', '>=', query.from)
      .where('collected_at', '<', query.to)
      .orderBy('collected_at')
      .orderBy('id'),
  );
  const collections: CashReport['collections'] = [];
  for (const row of rows) {
    const previous = await q.first((db) =>
      db
        .selectFrom('cash_collections')
        .select('collected_at')
        .where('device_id', '=', query.deviceId)
        .where('collected_at', '<', row.collected_at)
        .orderBy('collected_at', 'desc')
        .limit(1),
    );
    const since = previous?.collected_at ?? '';
    const booked = await bookedBetween(queryable, query.deviceId, since, row.collected_at);
    const journal = await journaledBetween(queryable, query.deviceId, since, row.collected_at);
    const counted = row.counted_cents;
    const flags: CashReport['collections'][number]['flags'] = [];
    if (journal.unbooked.length > 0) flags.push('journal_not_booked');
    if (booked.unjournaled > 0) flags.push('booked_not_journaled');
    if (counted !== journal.cents) flags.push('count_differs');
    collections.push({
      collectionId: row.id,
      collectedAt: row.collected_at,
      countedCents: counted,
      countedBills: row.bill_count,
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
  const booked = await bookedBetween(queryable, query.deviceId, query.from, query.to);
  const journal = await journaledBetween(queryable, query.deviceId, query.from, query.to);
  return {
    ...query,
    journal: { cents: journal.cents, bills: journal.bills },
    booked: { cents: booked.cents, bills: booked.bills },
    collections,
  };
}
