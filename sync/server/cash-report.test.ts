import { describe, expect, it } from 'vitest';
import { CashReportResponseSchema, type PushResponse } from '../protocol';
import type { TestCentral } from './testing/central';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Cash-box reconciliation on both engines: finance records what it counted when it took a
 * kiosk's cash box, and the report per kiosk and period sets each collection against the bills
 * the service booked from that kiosk since the collection before.
 */

describe.each(STORAGE_KINDS)('cash-box reconciliation on %s', (kind) => {
  let central: TestCentral;
  let now = new Date('2026-12-01T10:00:00.000Z');
  const minutes = (n: number) => {
    now = new Date(now.getTime() + n * 60_000);
  };
  eachTestCentral(kind, (started) => (central = started), { clock: () => now });

  let seq = 0;
  async function cash(lobby: TestDevice, residentId: string, bills: number[]) {
    seq += 1;
    const taken = bills.reduce((sum, cents) => sum + cents, 0);
    const answer = await lobby.request<PushResponse>('POST', '/v1/push', {
      mutations: [
        {
          id: crypto.randomUUID(),
          seq,
          createdAt: now.toISOString(),
          name: 'deposit.create',
          args: {
            channel: 'kiosk_cash',
            depositId: crypto.randomUUID(),
            residentId,
            amountCents: taken - 195,
            feeCents: 195,
            bills: bills.map((cents) => ({ billId: crypto.randomUUID(), cents })),
          },
        },
      ],
    });
    expect(answer.body.results[0]?.outcome).toEqual({ status: 'applied' });
  }

  it('sets each counted cash box against what was booked from the kiosk since the one before', async () => {
    seq = 0;
    const start = now.toISOString();
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    await cash(lobby, residentId, [2000, 500]);
    await cash(lobby, residentId, [1000]);
    minutes(10);
    const collect = (body: Record<string, unknown>) =>
      finance.call('POST', '/v1/staff/cash-collections', body);
    const first = {
      collectionId: crypto.randomUUID(),
      deviceId: lobby.id,
      countedCents: 3400,
      billCount: 3,
      note: 'a $1 short',
    };
    expect((await collect(first)).status).toBe(201);
    // A replayed entry is the same collection; the same id with other figures is refused.
    expect((await collect(first)).status).toBe(201);
    expect((await collect({ ...first, countedCents: 3500 })).status).toBe(409);
    minutes(10);
    await cash(lobby, residentId, [500]);
    minutes(10);
    const second = {
      collectionId: crypto.randomUUID(),
      deviceId: lobby.id,
      countedCents: 500,
      billCount: 1,
    };
    expect((await collect(second)).status).toBe(201);
    minutes(1);

    const report = await finance.call(
      'GET',
      `/v1/staff/cash-report?deviceId=${lobby.id}&from=${start}&to=${now.toISOString()}`,
    );
    expect(report.status).toBe(200);
    expect(CashReportResponseSchema.parse(report.body)).toMatchObject({
      booked: { cents: 4000, bills: 4 },
      collections: [
        {
          collectionId: first.collectionId,
          countedCents: 3400,
          bookedCents: 3500,
          bookedBills: 3,
          differenceCents: -100,
        },
        {
          collectionId: second.collectionId,
          countedCents: 500,
          bookedCents: 500,
          bookedBills: 1,
          differenceCents: 0,
        },
      ],
    });
    const supervisor = await central.staff([
      { role: 'supervisor', facilityId: central.facility.id },
    ]);
    const audit = await supervisor.call<{ entries: { action: string }[] }>(
      'GET',
      `/v1/staff/audit?subjectId=${lobby.id}`,
    );
    expect(audit.body.entries.filter((e) => e.action === 'cash.collect')).toHaveLength(2);
  });

  it('refuses other roles, other facilities, tablets, unknown kiosks and bad figures', async () => {
    const lobby = await central.device('lobby');
    const tablet = await central.device('tablet');
    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    const body = (deviceId: string) => ({
      collectionId: crypto.randomUUID(),
      deviceId,
      countedCents: 100,
      billCount: 1,
    });
    const period = `from=2026-01-01T00:00:00.000Z&to=2027-01-01T00:00:00.000Z`;
    for (const role of ['reviewer', 'supervisor', 'agent'] as const) {
      const other = await central.staff([{ role, facilityId: central.facility.id }]);
      expect((await other.call('POST', '/v1/staff/cash-collections', body(lobby.id))).status).toBe(
        403,
      );
      expect(
        (await other.call('GET', `/v1/staff/cash-report?deviceId=${lobby.id}&${period}`)).status,
      ).toBe(403);
    }
    const elsewhere = await central.staff([{ role: 'finance', facilityId: 'fac-elsewhere' }]);
    expect(
      (await elsewhere.call('POST', '/v1/staff/cash-collections', body(lobby.id))).status,
    ).toBe(404);
    expect(
      (await elsewhere.call('GET', `/v1/staff/cash-report?deviceId=${lobby.id}&${period}`)).status,
    ).toBe(404);
    for (const deviceId of [tablet.id, 'no-such-kiosk']) {
      expect(
        (await finance.call('POST', '/v1/staff/cash-collections', body(deviceId))).status,
      ).toBe(404);
    }
    for (const bad of [
      { ...body(lobby.id), countedCents: -1 },
      { ...body(lobby.id), countedCents: 1.5 },
      { ...body(lobby.id), collectionId: 'x' },
    ]) {
      expect((await finance.call('POST', '/v1/staff/cash-collections', bad)).status).toBe(400);
    }
    const backwards = `from=2027-01-01T00:00:00.000Z&to=2026-01-01T00:00:00.000Z`;
    expect(
      (await finance.call('GET', `/v1/staff/cash-report?deviceId=${lobby.id}&${backwards}`)).status,
    ).toBe(400);
    expect(
      (
        await finance.call(
          'GET',
          `/v1/staff/cash-report?deviceId=${lobby.id}&from=yesterday&to=now`,
        )
      ).status,
    ).toBe(400);
    const rows = await central.storage.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM cash_collections',
    );
    expect(Number(rows?.n)).toBe(0);
  });
});
