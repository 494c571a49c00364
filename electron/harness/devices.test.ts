import { describe, expect, it } from 'vitest';
import { scanForCardData } from '../backend/devices/leak-scan';
import { DEMO } from '../backend';
import { useSimulatedHarness } from './testing/simulated-harness';
import { wsClient } from './testing/ws-client';

const lobby = useSimulatedHarness('lobby');

type Client = Awaited<ReturnType<typeof wsClient>>;

/** Waits for the next event of this name after `mark` frames. */
async function eventAfter(c: Client, mark: number, event: string) {
  const frame = await c.next(
    (f) => c.frames.indexOf(f) >= mark && f.type === 'event' && f.event === event,
  );
  return frame.type === 'event' ? (frame.payload as Record<string, unknown>) : {};
}

/** Accepts the bill in escrow and waits until the acceptor reports it stacked. */
async function acceptAndWaitStacked(c: Client, cashSessionId: string): Promise<void> {
  const mark = c.frames.length;
  await value(c, 'payment.cashEscrow', { cashSessionId, action: 'accept' });
  await c.next(
    (f) =>
      c.frames.indexOf(f) >= mark &&
      f.type === 'event' &&
      f.event === 'hardware.bill' &&
      (f.payload as { event: string }).event === 'stacked',
  );
}

async function value<T = Record<string, unknown>>(c: Client, method: string, input: unknown) {
  const result = await c.invoke(method, input);
  if (!result?.ok) throw new Error(`${method}: ${JSON.stringify(result)}`);
  return result.value as T;
}

describe('lobby kiosk with simulated hardware, over the harness', () => {
  it('takes a cash deposit: bills in escrow, accepted, credited, receipt printed', async () => {
    const c = await wsClient(lobby().url);
    const resident = DEMO.residentId(0);
    const quote = await value<{ totalCents: number }>(c, 'lobby.quoteDeposit', {
      residentId: resident,
      channel: 'kiosk_cash',
      amountCents: 3805,
    });
    expect(quote.totalCents).toBe(4000); // $38.05 + $1.95 cash fee
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {});
    for (const bill of [2000, 2000]) {
      const mark = c.frames.length;
      expect(lobby().simulator!.insertBill(bill)).toBe(true);
      await eventAfter(c, mark, 'hardware.bill');
      const stacked = c.frames.length;
      await value(c, 'payment.cashEscrow', {
        cashSessionId: session.cashSessionId,
        action: 'accept',
      });
      await c.next(
        (f) =>
          c.frames.indexOf(f) >= stacked &&
          f.type === 'event' &&
          f.event === 'hardware.bill' &&
          (f.payload as { event: string }).event === 'stacked',
      );
    }
    const ended = await value<{ insertedCents: number }>(c, 'payment.cashEnd', {
      cashSessionId: session.cashSessionId,
    });
    expect(ended.insertedCents).toBe(4000);
    const deposit = {
      residentId: resident,
      amountCents: 3805,
      payment: { kind: 'cash', cashSessionId: session.cashSessionId },
      depositorName: 'Rosa Gómez',
      locale: 'es',
    };
    const receipt = await value<{ status: string; feeCents: number; receipt: { status: string } }>(
      c,
      'lobby.deposit',
      deposit,
    );
    expect(receipt).toMatchObject({
      status: 'pending',
      feeCents: 195,
      receipt: { status: 'printed' },
    });
    const printed = lobby().simulator!.printed().at(-1)!;
    expect(printed).toContain('RECIBO DE DEPÓSITO');
    expect(printed).toContain('James Carter');
    expect(printed).toContain('Pagado con');
    expect(printed).toContain('Efectivo');
    expect(await c.invoke('lobby.deposit', deposit)).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    // queued as the protocol's deposit.create: the amount and fee printed, the cash as one bill
    const queued = lobby()
      .backend.store.outbox.unsettled(10)
      .filter((m) => m.name === 'deposit.create');
    expect(queued.map((m) => m.args)).toEqual([
      {
        channel: 'kiosk_cash',
        depositId: expect.any(String),
        residentId: resident,
        amountCents: 3805,
        feeCents: 195,
        bills: [{ billId: session.cashSessionId, cents: 4000 }],
      },
    ]);
    // and, in the same transaction, the bill journal's summary of the session
    const journal = lobby()
      .backend.store.outbox.unsettled(10)
      .filter((m) => m.name === 'cash.journal');
    expect(journal.map((m) => m.args)).toEqual([
      {
        cashSessionId: session.cashSessionId,
        residentId: resident,
        denominations: [{ cents: 2000, count: 2 }],
        totalCents: 4000,
        firstBillAt: expect.any(String),
        lastBillAt: expect.any(String),
      },
    ]);
    c.close();
  }, 60_000);

  // Card payments need the network: this harness has no central service, so the deposit is
  // refused before anything is recorded or printed (the whole card path, with a central service
  // and the processor simulator, is tests/integration/kiosk-card.test.ts).
  it('refuses a card deposit without the network, records and prints nothing, and keeps no card number on disk', async () => {
    const c = await wsClient(lobby().url);
    const mark = c.frames.length;
    await value(c, 'payment.cardStart', {});
    lobby().simulator!.swipe({ card: 'visa', name: 'GOMEZ/ROSA' });
    const card = await eventAfter(c, mark, 'hardware.cardRead');
    expect(card).toMatchObject({ brand: 'visa', cardholderName: 'ROSA GOMEZ' });
    const printedBefore = lobby().simulator!.printed().length;
    const deposit = {
      residentId: DEMO.residentId(1),
      amountCents: 2500,
      payment: { kind: 'card', card },
      depositorName: 'Rosa Gómez',
    };
    expect(await c.invoke('lobby.deposit', deposit)).toMatchObject({
      ok: false,
      error: { code: 'card_needs_network' },
    });
    const madeUp = { ...card, token: 'tok_made_up_by_the_renderer', last4: '0000' };
    expect(
      await c.invoke('lobby.deposit', { ...deposit, payment: { kind: 'card', card: madeUp } }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      lobby()
        .backend.store.db.prepare('SELECT COUNT(*) AS n FROM deposits WHERE channel = ?')
        .get('kiosk_card'),
    ).toEqual({ n: 0 });
    expect(lobby().simulator!.printed().length).toBe(printedBefore);
    lobby().backend.store.db.pragma('wal_checkpoint(TRUNCATE)');
    const findings = scanForCardData(lobby.dataDir);
    if (findings.length) console.error(JSON.stringify(findings));
    expect(findings).toEqual([]);
    c.close();
  }, 60_000);
});

describe('housing-unit kiosk with simulated hardware, over the harness', () => {
  const kiosk = useSimulatedHarness('kiosk');

  it('signs in by badge scan + PIN and buys stamps with cash, with a receipt', async () => {
    const c = await wsClient(kiosk().url);
    const scanned = c.frames.length;
    kiosk().simulator!.scanBadge(DEMO.badgeToken(2));
    const badge = await eventAfter(c, scanned, 'hardware.badge');
    expect(badge).toEqual({ badgeToken: DEMO.badgeToken(2) });
    await value(c, 'auth.login', { method: 'badge', badgeToken: badge.badgeToken, pin: DEMO.pin });
    // the tester drives the in-process simulators through the same panel API as `npm run sim`
    const insertBill = async (cents: number) => {
      const response = await fetch(`${kiosk().simulatorPanel}/api/bill`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cents }),
      });
      return ((await response.json()) as { result: unknown }).result;
    };
    expect(await insertBill(500)).toEqual({ taken: false, reason: 'inhibited' });
    const session = await value<{ cashSessionId: string }>(c, 'payment.cashStart', {});
    const inserted = c.frames.length;
    expect(await insertBill(500)).toEqual({ taken: true, outcome: 'escrow' });
    await eventAfter(c, inserted, 'hardware.bill');
    await acceptAndWaitStacked(c, session.cashSessionId);
    const closed = await value<{ insertedCents: number }>(c, 'payment.cashEnd', {
      cashSessionId: session.cashSessionId,
    });
    expect(closed.insertedCents).toBe(500);
    const purchase = await value(c, 'stamps.purchase', {
      bundleId: 'bundle-5',
      payment: { kind: 'cash', cashSessionId: session.cashSessionId },
      printReceipt: true,
    });
    expect(purchase).toMatchObject({
      stamps: 5,
      status: 'pending',
      receipt: { status: 'printed' },
    });
    const printed = kiosk().simulator!.printed().at(-1)!;
    expect(printed).toContain('STAMP PURCHASE');
    expect(printed).toMatch(/Paid with\s+Cash/);
    c.close();
  }, 60_000);

  it('refuses a card stamp purchase without the network and records nothing', async () => {
    const c = await wsClient(kiosk().url);
    await value(c, 'auth.login', {
      method: 'doc',
      state: DEMO.state,
      docNumber: DEMO.docNumber(4),
      pin: DEMO.pin,
    });
    const mark = c.frames.length;
    await value(c, 'payment.cardStart', {});
    kiosk().simulator!.swipe({ card: 'mastercard2Series', name: 'BROWN/MICHAEL' });
    const card = await eventAfter(c, mark, 'hardware.cardRead');
    expect(
      await c.invoke('stamps.purchase', { bundleId: 'bundle-60', payment: { kind: 'card', card } }),
    ).toMatchObject({ ok: false, error: { code: 'card_needs_network' } });
    expect(
      kiosk()
        .backend.store.db.prepare(
          'SELECT COUNT(*) AS n FROM stamp_purchases WHERE payment_kind = ?',
        )
        .get('card'),
    ).toEqual({ n: 0 });
    c.close();
  }, 60_000);
});

/** Signs demo resident `index` in over a WebSocket and files a tablet release request. */
async function requestRelease(url: string, index: number, firstName: string, lastName: string) {
  const c = await wsClient(url);
  await value(c, 'auth.login', {
    method: 'doc',
    state: DEMO.state,
    docNumber: DEMO.docNumber(index),
    pin: DEMO.pin,
  });
  const request = await value<{ id: string }>(c, 'account.requestRelease', {
    tabletSerial: 'HL-TAB-000123',
    firstName,
    lastName,
    docNumber: DEMO.docNumber(index),
    phone: '+1 850 555 0100',
    returnAddress: '12 Palm Street, Tampa, FL 33601',
  });
  return { c, request };
}

describe('forms and test page on a housing-unit kiosk, over the harness', () => {
  const kiosk = useSimulatedHarness('kiosk');

  it('prints the release form in Spanish with the six items and where to mail the tablet', async () => {
    const { c, request } = await requestRelease(kiosk().url, 1, 'María', 'González');
    const job = await value(c, 'account.printReleaseForm', { requestId: request.id, locale: 'es' });
    expect(job).toMatchObject({ status: 'printed' });
    const printed = kiosk().simulator!.printed().at(-1)!;
    for (const text of [
      'LIBERACIÓN', // the double-size title wraps on the roll
      'HL-TAB-000123',
      'Florida Department of Corrections, 501 South', // the facility's agency address, wrapped
      'María González',
      DEMO.docNumber(1),
      '+1 850 555 0100',
      '12 Palm Street, Tampa',
      'Envíe la tableta con este formulario a:',
      'Homeline Tablet Returns',
      'Envíe este formulario con la tableta', // worded for mailing, not "keep this receipt"
    ]) {
      expect(printed).toContain(text);
    }
    c.close();
  }, 60_000);

  it('prints the maintenance test page', async () => {
    const c = await wsClient(kiosk().url);
    await value(c, 'maintenance.unlock', { pin: DEMO.maintenancePin });
    expect(await value(c, 'maintenance.testPrint', {})).toMatchObject({ status: 'printed' });
    expect(kiosk().simulator!.printed().at(-1)).toContain('PRINTER TEST');
    c.close();
  }, 60_000);
});

describe('a kiosk with no warehouse address configured', () => {
  const kiosk = useSimulatedHarness('kiosk', { warehouseAddress: undefined });

  it('refuses to print a release form that would not say where to mail the tablet', async () => {
    const { c, request } = await requestRelease(kiosk().url, 0, 'James', 'Carter');
    const printedBefore = kiosk().simulator!.printed().length;
    expect(await c.invoke('account.printReleaseForm', { requestId: request.id })).toMatchObject({
      ok: false,
      error: { code: 'unavailable_service' },
    });
    expect(kiosk().simulator!.printed()).toHaveLength(printedBefore);
    // the request itself is kept
    expect(await value(c, 'account.releaseRequests', {})).toMatchObject({
      requests: [{ id: request.id }],
    });
    c.close();
  }, 60_000);
});
