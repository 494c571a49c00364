import { describe, expect, it } from 'vitest';
import { CashReportResponseSchema } from '../protocol';
import { cashDeposit, journalOf, pushAs } from './testing/cash-pushes';
import type { TestCentral } from './testing/central';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Cash-box reconciliation on both engines: finance records what it counted when it took a
 * kiosk's cash box, and the report per kiosk and period sets each collection against what the
 * kiosk's journal stacked and what the service booked from that kiosk since the collection
 * before, with the differences flagged.
 */

describe.each(STORAGE_KINDS)('cash-box reconciliation on %s', (kind) => {
  let central: TestCentral;
  let now = new Date('2026-12-01T10:00:00.000Z');
  const minutes = (n: number) => {
    now = new Date(now.getTime() + n * 60_000);
  };
  eachTestCentral(kind, (started) => (central = started), { clock: () => now });

  /** A session the kiosk stacked: its journal summary and, when booked, its deposit. */
  async function session(lobby: TestDevice, residentId: string, bills: number[], booked = true) {
    const id = crypto.randomUUID();
    const total = bills.reduce((sum, cents) => sum + cents, 0);
    const journal = journalOf(id, residentId, bills, now.toISOString());
    const outcomes = await pushAs(
      lobby,
      booked ? [cashDeposit(id, residentId, total), journal] : [journal],
    );
    expect(outcomes.every((outcome) => outcome.status === 'applied')).toBe(true);
  }

  it('sets each counted cash box against the journal and the booked cash since the one before', async () => {
    const start = now.toISOString();
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    await session(lobby, residentId, [2000, 500]);
    await session(lobby, residentId, [1000]);
    // stacked, but its deposit never reached the service (a purpose lost, a refusal)
    const lost = crypto.randomUUID();
    expect(await pushAs(lobby, [journalOf(lost, residentId, [500, 500], start)])).toEqual([
      { status: 'applied' },
    ]);
    minutes(10);
    const collect = (body: Record<string, unknown>) =>
      finance.call('POST', '/v1/staff/cash-collections', body);
    const first = {
      collectionId: crypto.randomUUID(),
      deviceId: lobby.id,
      countedCents: 4400,
      billCount: 5,
      note: 'a $1 short',
    };
    expect((await collect(first)).status).toBe(201);
    // A replayed entry is the same collection; the same id with other figures is refused.
    expect((await collect(first)).status).toBe(201);
    expect((await collect({ ...first, countedCents: 3500 })).status).toBe(409);
    minutes(10);
    // booked by a kiosk that sent no journal summary
    const unjournaled = crypto.randomUUID();
    expect(await pushAs(lobby, [cashDeposit(unjournaled, residentId, 500)])).toEqual([
      { status: 'applied' },
    ]);
    await session(lobby, residentId, [2000]);
    minutes(10);
    const second = {
      collectionId: crypto.randomUUID(),
      deviceId: lobby.id,
      countedCents: 2500,
      billCount: 2,
    };
    expect((await collect(second)).status).toBe(201);
    minutes(1);

    const report = await finance.call(
      'GET',
      `/v1/staff/cash-report?deviceId=${lobby.id}&from=${start}&to=${now.toISOString()}`,
    );
    expect(report.status).toBe(200);
    expect(CashReportResponseSchema.parse(report.body)).toMatchObject({
      journal: { cents: 6500, bills: 6 },
      booked: { cents: 6000, bills: 4 },
      collections: [
        {
          collectionId: first.collectionId,
          countedCents: 4400,
          journalCents: 4500,
          journalBills: 5,
          bookedCents: 3500,
          bookedBills: 2,
          differenceCents: 900,
          bookedMinusJournalCents: -1000,
          countedMinusJournalCents: -100,
          unbookedSessions: [{ cashSessionId: lost, cents: 1000 }],
          flags: ['journal_not_booked', 'count_differs'],
        },
        {
          collectionId: second.collectionId,
          countedCents: 2500,
          journalCents: 2000,
          journalBills: 1,
          bookedCents: 2500,
          bookedBills: 2,
          differenceCents: 0,
          bookedMinusJournalCents: 500,
          countedMinusJournalCents: 500,
          unbookedSessions: [],
          flags: ['booked_not_journaled', 'count_differs'],
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

  it('counts bills that paid for nothing in the journal, as journaled but not booked', async () => {
    const start = now.toISOString();
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    await session(lobby, residentId, [2000]);
    // a bill the acceptor credited outside any cash session: summarised without a resident
    const orphan = crypto.randomUUID();
    expect(await pushAs(lobby, [journalOf(orphan, null, [500], start)])).toEqual([
      { status: 'applied' },
    ]);
    minutes(5);
    const collectionId = crypto.randomUUID();
    const collected = await finance.call('POST', '/v1/staff/cash-collections', {
      collectionId,
      deviceId: lobby.id,
      countedCents: 2500,
      billCount: 2,
    });
    expect(collected.status).toBe(201);
    minutes(1);
    const report = await finance.call(
      'GET',
      `/v1/staff/cash-report?deviceId=${lobby.id}&from=${start}&to=${now.toISOString()}`,
    );
    // the counted cash meets the journal: the surplus over the booked cash is explained
    expect(CashReportResponseSchema.parse(report.body).collections).toMatchObject([
      {
        countedCents: 2500,
        journalCents: 2500,
        journalBills: 2,
        bookedCents: 2000,
        countedMinusJournalCents: 0,
        unbookedSessions: [{ cashSessionId: orphan, cents: 500 }],
        flags: ['journal_not_booked'],
      },
    ]);
  });

  it('shows a period where journal, booked and counted agree without a flag', async () => {
    const start = now.toISOString();
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    await session(lobby, residentId, [2000, 2000, 100]);
    minutes(5);
    const collectionId = crypto.randomUUID();
    expect(
      (
        await finance.call('POST', '/v1/staff/cash-collections', {
          collectionId,
          deviceId: lobby.id,
          countedCents: 4100,
          billCount: 3,
        })
      ).status,
    ).toBe(201);
    minutes(1);
    const report = await finance.call(
      'GET',
      `/v1/staff/cash-report?deviceId=${lobby.id}&from=${start}&to=${now.toISOString()}`,
    );
    expect(CashReportResponseSchema.parse(report.body).collections).toMatchObject([
      { journalCents: 4100, journalBills: 3, bookedCents: 4100, countedCents: 4100, flags: [] },
    ]);
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
