import type { z } from 'zod';
import type { CashCollectionRequestSchema, CashReport } from '../../protocol';
import { auditStaff } from '../audit';
import { mayActIn, type StaffActor } from '../http/access-control';
import { reject } from '../rejection';
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
  const row = await db.get<{ cents: number | null; bills: number }>(
    `SELECT SUM(b.cents) AS cents, COUNT(b.bill_id) AS bills FROM deposits d
     JOIN bills b ON b.deposit_id = d.id
     WHERE d.customer_id = ? AND d.created_at >= ? AND d.created_at < ?`,
    [`kiosk:${deviceId}`, from, to],
  );
  return { cents: Number(row?.cents ?? 0), bills: Number(row?.bills ?? 0) };
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
    const booked = await bookedBetween(
      db,
      query.deviceId,
      previous?.collected_at ?? '',
      row.collected_at,
    );
    collections.push({
      collectionId: row.id,
      collectedAt: row.collected_at,
      countedCents: Number(row.counted_cents),
      countedBills: Number(row.bill_count),
      bookedCents: booked.cents,
      bookedBills: booked.bills,
      differenceCents: Number(row.counted_cents) - booked.cents,
      enteredBy: row.entered_by,
    });
  }
  return {
    ...query,
    booked: await bookedBetween(db, query.deviceId, query.from, query.to),
    collections,
  };
}
