import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO } from '../backend';
import { CreditJournal } from '../backend/devices/credit-journal';
import { manualClock } from '../backend/testing/manual-clock';
import { tempDir } from '../backend/testing/temp-dir';
import { startHarness, type Harness } from './server';

// A cash session's purpose survives an app restart (docs/money.md "kiosk cash"): bills stacked
// for a lobby deposit (or a resident's stamp bundle), then the app stops without settling (a crash or a power cut: no screen
// closes, nothing is booked); started again on the same data folder (its encrypted store and
// bill journal, real SQLite files), the backend holds the kept purpose again and, once the
// walk-away time has passed, books the stacked bills for that purpose, once.
const CASH_IDLE_SECONDS = 90;

type Frame = { event: string; payload: Record<string, unknown> };

/** A backend connection that records its events and lets a test wait for one. */
function listen(harness: Harness) {
  const events: Frame[] = [];
  const waiting: { test: (f: Frame) => boolean; done: (f: Frame) => void }[] = [];
  const connection = harness.backend.connect((event, payload) => {
    const frame = { event, payload: payload as Record<string, unknown> };
    events.push(frame);
    for (const wait of waiting.filter((w) => w.test(frame))) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.done(frame);
    }
  });
  return {
    async call<T = Record<string, unknown>>(method: string, input: unknown): Promise<T> {
      const result = await connection.invoke(method, input);
      if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
      return result.value as T;
    },
    /** The next event from now on that passes `test`. */
    next(test: (f: Frame) => boolean): Promise<Frame> {
      return new Promise((done) => waiting.push({ test, done }));
    },
  };
}

const billEvent = (kind: string) => (f: Frame) =>
  f.event === 'hardware.bill' && f.payload.event === kind;
const printed = (f: Frame) =>
  f.event === 'hardware.printer' &&
  (f.payload.job as { status?: string } | null)?.status === 'printed';

/** Feeds bills one by one through escrow to the stacker, as a person would. */
async function insertBills(
  harness: Harness,
  screen: ReturnType<typeof listen>,
  cashSessionId: string,
  bills: number[],
) {
  for (const cents of bills) {
    const escrow = screen.next(billEvent('escrow'));
    expect(harness.simulator!.insertBill(cents)).toBe(true);
    await escrow;
    const stacked = screen.next(billEvent('stacked'));
    await screen.call('payment.cashEscrow', { cashSessionId, action: 'accept' });
    await stacked;
  }
}

const queued = (harness: Harness, name: string) =>
  harness.backend.store.outbox
    .unsettled(100)
    .filter((m) => m.name === name)
    .map((m) => m.args);

describe('a cash session across an app restart', () => {
  let dir = tempDir();
  let running: Harness | null = null;
  const start = async (profile: 'lobby' | 'kiosk', clock = manualClock()) => {
    running = await startHarness({
      dataDir: join(dir.path, 'data'),
      profile,
      simulatedDevices: true,
      logger: pino({ level: 'silent' }),
      clock,
      cashIdleSeconds: CASH_IDLE_SECONDS,
    });
    return { harness: running, clock };
  };
  /** Stops the app as a crash would: no screen closes first, so nothing is settled. */
  const stop = async () => {
    await running?.close();
    running = null;
  };
  afterEach(async () => {
    await stop();
    dir.cleanup();
    dir = tempDir();
  });

  it('books the bills stacked before the restart as the session’s deposit, once', async () => {
    const residentId = DEMO.residentId(1);
    const first = await start('lobby');
    const screen = listen(first.harness);
    const session = await screen.call<{ cashSessionId: string }>('payment.cashStart', {
      purpose: {
        kind: 'deposit',
        residentId,
        amountCents: 4805,
        depositorName: 'Rosa Gómez',
        locale: 'en',
      },
    });
    await insertBills(first.harness, screen, session.cashSessionId, [2000, 1000]);
    const deposits = (harness: Harness) => queued(harness, 'deposit.create');
    expect(deposits(first.harness)).toEqual([]);
    await stop();

    // started again: the kept purpose is held, its walk-away timer fresh
    const second = await start('lobby');
    expect(second.harness.backend.store.cashPurposes.all()).toMatchObject([
      { cashSessionId: session.cashSessionId, purpose: { kind: 'deposit', residentId } },
    ]);
    const watcher = listen(second.harness);
    second.clock.advance(CASH_IDLE_SECONDS * 1000 - 1);
    expect(deposits(second.harness)).toEqual([]);
    const receipt = watcher.next(printed);
    second.clock.advance(1);
    await receipt;
    // $30 stacked for a $48.05 deposit: the fee of what they cover ($1.95), the rest credited
    expect(deposits(second.harness)).toEqual([
      {
        channel: 'kiosk_cash',
        depositId: expect.any(String),
        residentId,
        amountCents: 3000 - 195,
        feeCents: 195,
        bills: [{ billId: session.cashSessionId, cents: 3000 }],
      },
    ]);
    expect(queued(second.harness, 'cash.journal')).toMatchObject([
      { cashSessionId: session.cashSessionId, residentId, totalCents: 3000 },
    ]);
    expect(second.harness.backend.store.cashPurposes.all()).toEqual([]);
    await stop();

    // a third start holds nothing and books nothing more
    const third = await start('lobby');
    expect(third.harness.backend.store.cashPurposes.all()).toEqual([]);
    third.clock.advance(CASH_IDLE_SECONDS * 1000 * 2);
    expect(deposits(third.harness)).toHaveLength(1);
  }, 60_000);

  it('journals a bill credited outside any cash session once, with no resident', async () => {
    const first = await start('lobby');
    expect(queued(first.harness, 'cash.journal')).toEqual([]);
    await stop();
    // the acceptor credited a bill while no session was open (as the device service does for a
    // bill left in it), and the app stopped before its summary was queued
    const journal = new CreditJournal(join(dir.path, 'data', 'credits.db'));
    const billId = journal.escrow(
      { device: 'bill_acceptor', cents: 2000, currency: 'USD' },
      'orphan:bill_acceptor',
      '2026-12-01T10:00:00.000Z',
    );
    journal.credit(billId, '2026-12-01T10:00:01.000Z');
    journal.close();

    const second = await start('lobby');
    const summary = {
      cashSessionId: billId.slice(billId.lastIndexOf(':') + 1),
      residentId: null,
      denominations: [{ cents: 2000, count: 1 }],
      totalCents: 2000,
      firstBillAt: '2026-12-01T10:00:01.000Z',
      lastBillAt: '2026-12-01T10:00:01.000Z',
    };
    expect(queued(second.harness, 'cash.journal')).toEqual([summary]);
    await stop();
    // started again: the bill journal knows its summary is queued, so it is not queued twice
    const third = await start('lobby');
    expect(queued(third.harness, 'cash.journal')).toEqual([summary]);
  }, 60_000);

  it('buys the stamps the bills stacked before the restart cover, for the resident who chose them', async () => {
    const first = await start('kiosk');
    const screen = listen(first.harness);
    await screen.call('auth.login', {
      method: 'doc',
      state: DEMO.state,
      docNumber: DEMO.docNumber(4),
      pin: DEMO.pin,
    });
    const session = await screen.call<{ cashSessionId: string }>('payment.cashStart', {
      purpose: { kind: 'stamps', bundleId: 'bundle-20' },
    });
    await insertBills(first.harness, screen, session.cashSessionId, [500]);
    await stop();

    // nobody is signed in after the restart: the buyer is the one the kept purpose names
    const second = await start('kiosk');
    const watcher = listen(second.harness);
    const receipt = watcher.next(printed);
    second.clock.advance(CASH_IDLE_SECONDS * 1000);
    await receipt;
    expect(queued(second.harness, 'stamps.purchase')).toEqual([
      {
        purchaseId: expect.any(String),
        residentId: DEMO.residentId(4),
        bundleId: 'bundle-5',
        expectedPriceCents: expect.any(Number),
        payment: { kind: 'kiosk_cash', bills: [{ billId: session.cashSessionId, cents: 500 }] },
      },
    ]);
    expect(second.harness.backend.store.cashPurposes.all()).toEqual([]);
  }, 60_000);
});
