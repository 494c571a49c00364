import type { z } from 'zod';
import type { CashCollectionRequestSchema, CashReport } from '../../protocol';
import { auditStaff } from '../audit';
import { mayActIn, type StaffActor } from '../http/access-control';
import { reject } from '../rejection';
import { typed } from '../storage/typed';
import type { Queryable } from '../storage/types';
import type { Work } from '../work';

/**
 * Cash-box reconciliation per kiosk, for finance: the bills the service booked from a kiosk
 * (cash deposits and cash stamp purchases carry each bill, `bills` joined to deposits paid by
 * `kiosk:<device>`) against what finance counted when it took the cash box. Booked means
 * applied by the service, so a bill stacked before a collection but pushed after it counts in
 * the next period; the kiosk's own bill journal is not sent to the service yet (see money.md).
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
      .select((eb) => [
        eb.fn.sum<number | null>('b.cents').as('cents'),
        eb.fn.count<number>('b.bill_id').as('bills'),
      ])
      .where('d.customer_id', '=', `kiosk:${deviceId}`)
      .where('d.created_at', '>=', from)
      .where('d.created_at', '<', to),
  );
  return { cents: row?.cents ?? 0, bills: row?.bills ?? 0 };
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
    const booked = await bookedBetween(
      queryable,
      query.deviceId,
      previous?.collected_at ?? '',
      row.collected_at,
    );
    collections.push({
      collectionId: row.id,
      collectedAt: row.collected_at,
      countedCents: row.counted_cents,
      countedBills: row.bill_count,
      bookedCents: booked.cents,
      bookedBills: booked.bills,
      differenceCents: row.counted_cents - booked.cents,
      enteredBy: row.entered_by,
    });
  }
  return {
    ...query,
    booked: await bookedBetween(queryable, query.deviceId, query.from, query.to),
    collections,
  };
}
