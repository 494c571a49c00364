import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO } from '../backend';
import { manualClock } from '../backend/testing/manual-clock';
import { tempDir } from '../backend/testing/temp-dir';
import { startHarness, type Harness } from './server';

// A cash session's purpose survives an app restart (docs/money.md "kiosk cash"): bills stacked
// for a lobby deposit, then the app stops without settling (a crash or a power cut: no screen
// closes, nothing is booked); started again on the same data folder (its encrypted store and
// bill journal, real SQLite files), the backend holds the kept purpose again and, once the
// walk-away time has passed, books the stacked bills as that deposit, once.
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

describe('a cash session across an app restart', () => {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  let running: Harness | null = null;
  const start = async (clock = manualClock()) => {
    running = await startHarness({
      dataDir,
      profile: 'lobby',
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
  });

  it('books the bills stacked before the restart as the session’s deposit, once', async () => {
    const residentId = DEMO.residentId(1);
    const first = await start();
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
    for (const cents of [2000, 1000]) {
      const escrow = screen.next(billEvent('escrow'));
      expect(first.harness.simulator!.insertBill(cents)).toBe(true);
      await escrow;
      const stacked = screen.next(billEvent('stacked'));
      await screen.call('payment.cashEscrow', {
        cashSessionId: session.cashSessionId,
        action: 'accept',
      });
      await stacked;
    }
    const deposits = (harness: Harness) =>
      harness.backend.store.outbox
        .unsettled(100)
        .filter((m) => m.name === 'deposit.create')
        .map((m) => m.args);
    expect(deposits(first.harness)).toEqual([]);
    await stop();

    // started again: the kept purpose is held, its walk-away timer fresh
    const second = await start();
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
    expect(
      second.harness.backend.store.outbox
        .unsettled(100)
        .filter((m) => m.name === 'cash.journal')
        .map((m) => m.args),
    ).toMatchObject([{ cashSessionId: session.cashSessionId, residentId, totalCents: 3000 }]);
    expect(second.harness.backend.store.cashPurposes.all()).toEqual([]);
    await stop();

    // a third start holds nothing and books nothing more
    const third = await start();
    expect(third.harness.backend.store.cashPurposes.all()).toEqual([]);
    third.clock.advance(CASH_IDLE_SECONDS * 1000 * 2);
    expect(deposits(third.harness)).toHaveLength(1);
  }, 60_000);
});
