import { describe, expect, it } from 'vitest';
import type { EnrollResponse } from '../protocol';
import { cashDeposit, journalOf, pushAs } from './testing/cash-pushes';
import type { TestCentral } from './testing/central';
import { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * cash.journal on both engines: a kiosk's summary of what its acceptor stacked in one cash
 * session is applied once per session and only for the sending kiosk's own sessions. The
 * attackers: a tablet (no acceptor), a kiosk of another facility, a kiosk naming another kiosk's
 * session, a kiosk replaying or rewriting its own summary, and figures that are negative,
 * oversized or do not add up to the cash booked for the session.
 */
describe.each(STORAGE_KINDS)('cash journal summaries on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started));
  const at = '2026-12-01T10:00:00.000Z';

  const stored = async () =>
    (
      await central.storage.all<{
        cash_session_id: string;
        device_id: string;
        total_cents: number;
      }>(
        'SELECT cash_session_id, device_id, total_cents FROM cash_journals ORDER BY cash_session_id',
      )
    ).map((row) => ({ ...row, total_cents: Number(row.total_cents) }));

  /** A lobby kiosk enrolled at another facility, `elsewhere`. */
  async function lobbyElsewhere(): Promise<TestDevice> {
    expect(
      (await central.admin('PUT', '/v1/admin/facilities', { ...central.facility, id: 'elsewhere' }))
        .status,
    ).toBe(200);
    const code = await central.admin<{ code: string }>('POST', '/v1/admin/enroll-codes', {
      facilityId: 'elsewhere',
      profile: 'lobby',
    });
    const foreign = new TestDevice(central.baseUrl);
    expect((await foreign.enroll(code.body.code)).status).toBe(201);
    expect((foreign.identity as EnrollResponse).facilityId).toBe('elsewhere');
    return foreign;
  }

  it('applies a summary once per session, however often it arrives', async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const session = crypto.randomUUID();
    const journal = journalOf(session, residentId, [2000, 500, 500], at);
    const mutationId = crypto.randomUUID();
    expect(
      await pushAs(lobby, [cashDeposit(session, residentId, 3000), { ...journal, id: mutationId }]),
    ).toEqual([{ status: 'applied' }, { status: 'applied' }]);
    // the same mutation re-sent (its answer was lost), and the same summary queued again
    expect(await pushAs(lobby, [{ ...journal, id: mutationId }])).toEqual([
      { status: 'duplicate', firstOutcome: { status: 'applied' } },
    ]);
    expect(await pushAs(lobby, [journal])).toEqual([{ status: 'applied' }]);
    // the summary listed in another order is the same summary
    const reordered = { ...journal, args: { ...journal.args } };
    reordered.args.denominations = [...journal.args.denominations].reverse();
    expect(await pushAs(lobby, [reordered])).toEqual([{ status: 'applied' }]);
    // rewritten afterwards (one bill fewer, the total kept by a bigger bill): refused
    const rewritten = journalOf(session, residentId, [2000, 1000], at);
    expect(await pushAs(lobby, [rewritten])).toMatchObject([
      { status: 'rejected', code: 'conflict' },
    ]);
    expect(await stored()).toEqual([
      { cash_session_id: session, device_id: lobby.id, total_cents: 3000 },
    ]);
  });

  it("refuses a tablet, another facility's kiosk and another kiosk's session", async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const kiosk = await central.device('kiosk');
    const tablet = await central.device('tablet', 'TAB-CASH-1');
    const booked = crypto.randomUUID();
    const summarised = crypto.randomUUID();
    expect(
      await pushAs(lobby, [
        cashDeposit(booked, residentId, 1000),
        journalOf(summarised, residentId, [500], at),
      ]),
    ).toEqual([{ status: 'applied' }, { status: 'applied' }]);

    expect(
      await pushAs(tablet, [journalOf(crypto.randomUUID(), residentId, [500], at)]),
    ).toMatchObject([{ status: 'rejected', code: 'forbidden' }]);
    // another kiosk of the facility claims the lobby's booked and summarised sessions
    expect(
      await pushAs(kiosk, [
        journalOf(booked, residentId, [1000], at),
        journalOf(summarised, residentId, [500], at),
      ]),
    ).toMatchObject([
      { status: 'rejected', code: 'forbidden' },
      { status: 'rejected', code: 'forbidden' },
    ]);

    // a lobby kiosk of another facility: not for a resident here, nor for a session booked here
    const foreign = await lobbyElsewhere();
    const foreignResident = await central.resident({ facilityId: 'elsewhere' });
    expect(
      await pushAs(foreign, [
        journalOf(crypto.randomUUID(), residentId, [500], at),
        journalOf(booked, foreignResident, [1000], at),
      ]),
    ).toMatchObject([
      { status: 'rejected', code: 'forbidden' },
      { status: 'rejected', code: 'forbidden' },
    ]);
    expect((await stored()).map((row) => row.device_id)).toEqual([lobby.id]);
  });

  it('keeps bills that paid for nothing without a resident, from its own kiosks only', async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const kiosk = await central.device('kiosk');
    const tablet = await central.device('tablet', 'TAB-ORPHAN-1');
    const orphan = crypto.randomUUID();
    const journal = journalOf(orphan, null, [1000], at);
    expect(await pushAs(kiosk, [journal])).toEqual([{ status: 'applied' }]);
    // queued again after a restart: the same summary, no second row
    expect(await pushAs(kiosk, [journal])).toEqual([{ status: 'applied' }]);
    // the same session with other bills, or claimed by another kiosk, or booked after all
    expect(
      await pushAs(kiosk, [
        journalOf(orphan, null, [2000], at),
        journalOf(orphan, residentId, [1000], at),
      ]),
    ).toMatchObject([
      { status: 'rejected', code: 'conflict' },
      { status: 'rejected', code: 'conflict' },
    ]);
    expect(await pushAs(lobby, [journal])).toMatchObject([
      { status: 'rejected', code: 'forbidden' },
    ]);
    expect(await pushAs(tablet, [journalOf(crypto.randomUUID(), null, [500], at)])).toMatchObject([
      { status: 'rejected', code: 'forbidden' },
    ]);

    // a session that was booked carries its booking's resident: none, or another, is refused
    const booked = crypto.randomUUID();
    const otherResident = await central.resident();
    expect(
      await pushAs(lobby, [
        cashDeposit(booked, residentId, 500),
        journalOf(booked, null, [500], at),
        journalOf(booked, otherResident, [500], at),
      ]),
    ).toMatchObject([
      { status: 'applied' },
      { status: 'rejected', code: 'conflict' },
      { status: 'rejected', code: 'conflict' },
    ]);

    // a kiosk of another facility: its summary is kept as its own, never this facility's
    const foreign = await lobbyElsewhere();
    expect(await pushAs(foreign, [journal])).toMatchObject([
      { status: 'rejected', code: 'forbidden' },
    ]);
    expect(
      await central.storage.all<{
        cash_session_id: string;
        resident_id: string | null;
        facility_id: string;
      }>('SELECT cash_session_id, resident_id, facility_id FROM cash_journals'),
    ).toEqual([{ cash_session_id: orphan, resident_id: null, facility_id: central.facility.id }]);
  });

  it('refuses figures that are negative, oversized or do not add up', async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const session = crypto.randomUUID();
    const good = journalOf(session, residentId, [2000], at).args;
    const bad: unknown[] = [
      { ...good, denominations: [{ cents: 2000, count: -1 }], totalCents: -2000 },
      { ...good, denominations: [{ cents: -2000, count: 1 }], totalCents: -2000 },
      { ...good, denominations: [{ cents: 2000, count: 0 }], totalCents: 0 },
      { ...good, denominations: [{ cents: 2000, count: 1.5 }], totalCents: 3000 },
      { ...good, denominations: [{ cents: 1_000_000, count: 1 }], totalCents: 1_000_000 },
      { ...good, denominations: [{ cents: 100, count: 100_000 }], totalCents: 10_000_000 },
      {
        ...good,
        denominations: [
          { cents: 10_000, count: 300 },
          { cents: 5000, count: 300 },
        ],
        totalCents: 4_500_000,
      },
      { ...good, totalCents: 2500 },
      {
        ...good,
        denominations: [
          { cents: 1000, count: 1 },
          { cents: 1000, count: 1 },
        ],
      },
      { ...good, denominations: [], totalCents: 0 },
      { ...good, cashSessionId: "x' OR 1=1 --" },
    ];
    const outcomes = await pushAs(
      lobby,
      bad.map((args) => ({ name: 'cash.journal', args })),
    );
    expect(outcomes.map((outcome) => 'code' in outcome && outcome.code)).toEqual(
      bad.map(() => 'invalid_args'),
    );
    // a total that is not the cash the service booked for the session
    expect(
      await pushAs(lobby, [
        cashDeposit(session, residentId, 2500),
        journalOf(session, residentId, [2000], at),
      ]),
    ).toMatchObject([{ status: 'applied' }, { status: 'rejected', code: 'conflict' }]);
    expect(await stored()).toEqual([]);
  });
});
