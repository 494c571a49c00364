import { describe, expect, it } from 'vitest';
import { DEMO } from '../backend';
import { manualClock } from '../backend/testing/manual-clock';
import { useSimulatedHarness } from './testing/simulated-harness';
import { wsClient } from './testing/ws-client';

// Cash is never lost (docs/money.md "kiosk cash"): bills go through the real backend and the
// bill acceptor emulator's protocol bytes; the walk-away time runs on a manual clock.
const CASH_IDLE_SECONDS = 90;

type Client = Awaited<ReturnType<typeof wsClient>>;

async function value<T = Record<string, unknown>>(c: Client, method: string, input: unknown) {
  const result = await c.invoke(method, input);
  if (!result?.ok) throw new Error(`${method}: ${JSON.stringify(result)}`);
  return result.value as T;
}

/** The first event of this name (and payload test) from frame `mark` on. */
async function eventAfter(
  c: Client,
  mark: number,
  event: string,
  matches: (payload: Record<string, unknown>) => boolean = () => true,
) {
  const frame = await c.next(
    (f) =>
      c.frames.indexOf(f) >= mark &&
      f.type === 'event' &&
      f.event === event &&
      matches(f.payload as Record<string, unknown>),
  );
  return frame.type === 'event' ? (frame.payload as Record<string, unknown>) : {};
}

/** Feeds bills one by one: escrow, accept, stacked (each step waits for the acceptor's event). */
async function insertBills(
  c: Client,
  insertBill: (cents: number) => boolean,
  cashSessionId: string,
  bills: number[],
) {
  for (const cents of bills) {
    const mark = c.frames.length;
    expect(insertBill(cents)).toBe(true);
    await eventAfter(c, mark, 'hardware.bill', (p) => p.event === 'escrow');
    const accepted = c.frames.length;
    await value(c, 'payment.cashEscrow', { cashSessionId, action: 'accept' });
    await eventAfter(c, accepted, 'hardware.bill', (p) => p.event === 'stacked');
  }
}

interface Settlement {
  deposit: {
    amountCents: number;
    feeCents: number;
    receipt: { status: string };
    cash: unknown;
  } | null;
  purchase: { stamps: number; bundleId: string; cash: unknown } | null;
}

describe('lobby kiosk: cash left behind is deposited', () => {
  const clock = manualClock();
  const lobby = useSimulatedHarness('lobby', { clock, cashIdleSeconds: CASH_IDLE_SECONDS });
  const insertBill = (cents: number) => lobby().simulator!.insertBill(cents);
  const purpose = (amountCents: number) => ({
    kind: 'deposit',
    residentId: DEMO.residentId(0),
    amountCents,
    depositorName: 'Rosa Gómez',
    locale: 'en',
  });
  const outboxDeposits = () =>
    lobby()
      .backend.store.outbox.unsettled(100)
      .filter((m) => m.name === 'deposit.create').length;
  /** The bill journal summaries queued for a session. */
  const journalOf = (cashSessionId: string) =>
    lobby()
      .backend.store.outbox.unsettled(100)
      .filter((m) => m.name === 'cash.journal')
      .map((m) => m.args as { cashSessionId: string })
      .filter((args) => args.cashSessionId === cashSessionId);

  it('cancel after a bill: the bill is deposited (fee of what it covers), printed as cancelled, once', async () => {
    const c = await wsClient(lobby().url);
    const before = outboxDeposits();
    // $38.05 + $1.95 fee = $40.00 due; one $20 bill goes in, then the visitor cancels
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: purpose(3805),
    });
    await insertBills(c, insertBill, session.cashSessionId, [2000]);
    const settled = await value<Settlement>(c, 'payment.cashCancel', {
      cashSessionId: session.cashSessionId,
    });
    expect(settled.deposit).toMatchObject({
      amountCents: 1805,
      feeCents: 195,
      receipt: { status: 'printed' },
      cash: { insertedCents: 2000, creditedCents: 0, ended: 'cancelled' },
    });
    const printed = lobby().simulator!.printed().at(-1)!;
    expect(printed).toMatch(/Cash inserted\s+\$20\.00/);
    expect(printed).toContain('gives no change');
    expect(printed).toContain('Cancelled before the full amount');
    expect(outboxDeposits()).toBe(before + 1);
    expect(journalOf(session.cashSessionId)).toMatchObject([
      { denominations: [{ cents: 2000, count: 1 }], totalCents: 2000 },
    ]);
    // a second cancel (a double tap) books nothing more
    expect(
      await value<Settlement>(c, 'payment.cashCancel', { cashSessionId: session.cashSessionId }),
    ).toMatchObject({ deposit: null, purchase: null });
    expect(outboxDeposits()).toBe(before + 1);
    expect(journalOf(session.cashSessionId)).toHaveLength(1);
    c.close();
  }, 60_000);

  it('cancel before any bill books nothing', async () => {
    const c = await wsClient(lobby().url);
    const before = outboxDeposits();
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: purpose(3805),
    });
    expect(
      await value<Settlement>(c, 'payment.cashCancel', { cashSessionId: session.cashSessionId }),
    ).toMatchObject({ deposit: null, purchase: null });
    expect(outboxDeposits()).toBe(before);
    expect(journalOf(session.cashSessionId)).toEqual([]);
    c.close();
  }, 60_000);

  it('a visitor who walks away after a bill: deposited when the cash idle time runs out, and the screen is told', async () => {
    const c = await wsClient(lobby().url);
    const before = outboxDeposits();
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: { ...purpose(5000), locale: 'es' },
    });
    await insertBills(c, insertBill, session.cashSessionId, [1000]);
    // a bill restarts the wait: just short of it after the bill, nothing is booked
    clock.advance(CASH_IDLE_SECONDS * 1000 - 1);
    expect(outboxDeposits()).toBe(before);
    const mark = c.frames.length;
    clock.advance(1);
    const settled = (await eventAfter(c, mark, 'payment.cashSettled')) as unknown as Settlement;
    expect(settled.deposit).toMatchObject({
      amountCents: 805,
      feeCents: 195,
      cash: { insertedCents: 1000, ended: 'timed_out' },
    });
    expect(outboxDeposits()).toBe(before + 1);
    const printed = lobby().simulator!.printed().at(-1)!;
    expect(printed).toContain('Efectivo insertado');
    expect(printed).toContain('Sin terminar');
    c.close();
  }, 60_000);

  it('a screen closed after a bill: the bill is still deposited', async () => {
    const c = await wsClient(lobby().url);
    const before = outboxDeposits();
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: purpose(2000),
    });
    await insertBills(c, insertBill, session.cashSessionId, [100]);
    // printer events reach every screen: another one sees the receipt of the settled cash
    const watcher = await wsClient(lobby().url);
    const mark = watcher.frames.length;
    c.close();
    await eventAfter(
      watcher,
      mark,
      'hardware.printer',
      (p) => (p.job as { status?: string } | null)?.status === 'printed',
    );
    watcher.close();
    const printed = lobby().simulator!.printed().at(-1)!;
    // $1 covers no amount plus its fee: credited whole, no fee
    expect(printed).toMatch(/Amount for the resident\s+\$1\.00/);
    expect(printed).toMatch(/Fee\s+\$0\.00/);
    expect(printed).toContain('The screen closed before the end');
    expect(outboxDeposits()).toBe(before + 1);
  }, 60_000);

  it('overpaid: every cent above the total is credited and printed', async () => {
    const c = await wsClient(lobby().url);
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: purpose(3805),
    });
    await insertBills(c, insertBill, session.cashSessionId, [2000, 2000, 500]);
    await value(c, 'payment.cashEnd', { cashSessionId: session.cashSessionId });
    const receipt = await value(c, 'lobby.deposit', {
      residentId: DEMO.residentId(0),
      amountCents: 3805,
      payment: { kind: 'cash', cashSessionId: session.cashSessionId },
      depositorName: 'Rosa Gómez',
    });
    expect(receipt).toMatchObject({
      amountCents: 4305,
      feeCents: 195,
      totalCents: 4500,
      cash: { insertedCents: 4500, creditedCents: 500, ended: 'finished' },
    });
    const printed = lobby().simulator!.printed().at(-1)!;
    expect(printed).toMatch(/Above the total, credited to the account\s+\$5\.00/);
    // paid: the walk-away timer is gone, nothing more is booked
    const mark = c.frames.length;
    clock.advance(CASH_IDLE_SECONDS * 1000);
    expect(
      c.frames.slice(mark).some((f) => f.type === 'event' && f.event === 'payment.cashSettled'),
    ).toBe(false);
    c.close();
  }, 60_000);

  it('refuses a stamps purpose at a lobby kiosk and a deposit for an unknown resident', async () => {
    const c = await wsClient(lobby().url);
    expect(
      await c.invoke('payment.cashStart', { purpose: { kind: 'stamps', bundleId: 'bundle-5' } }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      await c.invoke('payment.cashStart', {
        purpose: { ...purpose(500), residentId: '00000000-0000-4000-8000-000000000000' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    c.close();
  }, 60_000);
});

describe('housing-unit kiosk: cash left behind buys what it covers', () => {
  const clock = manualClock();
  const kiosk = useSimulatedHarness('kiosk', { clock, cashIdleSeconds: CASH_IDLE_SECONDS });
  const insertBill = (cents: number) => kiosk().simulator!.insertBill(cents);

  async function signedIn(index: number) {
    const c = await wsClient(kiosk().url);
    await value(c, 'auth.login', {
      method: 'doc',
      state: DEMO.state,
      docNumber: DEMO.docNumber(index),
      pin: DEMO.pin,
    });
    return c;
  }

  it('$5 toward a $7 bundle, then cancel: the $2 bundle is bought, $3 credited, printed', async () => {
    const c = await signedIn(5);
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: { kind: 'stamps', bundleId: 'bundle-20' },
    });
    await insertBills(c, insertBill, session.cashSessionId, [500]);
    const settled = await value<Settlement>(c, 'payment.cashCancel', {
      cashSessionId: session.cashSessionId,
    });
    expect(settled.purchase).toMatchObject({
      bundleId: 'bundle-5',
      stamps: 5,
      cash: { insertedCents: 500, creditedCents: 300, ended: 'cancelled' },
    });
    const printed = kiosk().simulator!.printed().at(-1)!;
    expect(printed).toContain('STAMP PURCHASE');
    expect(printed).toMatch(/Above the total, credited to the account\s+\$3\.00/);
    // offline, the bought stamps are shown as arriving, not missing
    expect(await value(c, 'stamps.balance', {})).toMatchObject({ arriving: 5 });
    c.close();
  }, 60_000);

  it('$1 covers no bundle: credited to the resident as a deposit of their own cash', async () => {
    const c = await signedIn(6);
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {
      purpose: { kind: 'stamps', bundleId: 'bundle-5' },
    });
    await insertBills(c, insertBill, session.cashSessionId, [100]);
    const mark = c.frames.length;
    clock.advance(CASH_IDLE_SECONDS * 1000);
    const settled = (await eventAfter(c, mark, 'payment.cashSettled')) as unknown as Settlement;
    expect(settled).toMatchObject({
      purchase: null,
      deposit: {
        amountCents: 100,
        feeCents: 0,
        cash: { insertedCents: 100, creditedCents: 100, ended: 'timed_out' },
      },
    });
    c.close();
  }, 60_000);

  it('another connection cannot cancel (and so book) a session it did not open', async () => {
    const owner = await signedIn(7);
    const other = await signedIn(8);
    const session = await value<{ cashSessionId: string }>(owner, 'payment.cashStart', {
      purpose: { kind: 'stamps', bundleId: 'bundle-5' },
    });
    expect(
      await other.invoke('payment.cashCancel', { cashSessionId: session.cashSessionId }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await value(owner, 'payment.cashCancel', { cashSessionId: session.cashSessionId });
    owner.close();
    other.close();
  }, 60_000);
});
