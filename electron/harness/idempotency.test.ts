import { describe, expect, it } from 'vitest';
import { DEMO, type Backend } from '../backend';
import { KEYED_METHODS, type KeyedMethod } from '../contract';
import { useSimulatedHarness } from './testing/simulated-harness';
import { openWindow, signIn, type TestWindow } from './testing/window';

/**
 * Every action that changes data carries its screen's idempotency key. Through the real backend
 * on simulated hardware: the same key sent twice at once (a double tap whose two calls both reach
 * the backend) and once more afterwards gets the first answer three times and changes things
 * once (one outbox row, one printed page); the same key with other input is a conflict; another
 * person's window with that key is not answered with the first person's result.
 */

const kiosk = useSimulatedHarness('kiosk');
const lobby = useSimulatedHarness('lobby');

/** What one action changed: its outbox rows, or pages printed. */
type Counter = () => number;
const outboxRows =
  (backend: () => Backend, name: string): Counter =>
  () =>
    backend()
      .store.outbox.unsettled(1000)
      .filter((row) => row.name === name).length;
const printedPages = (harness: typeof kiosk) => () => harness().simulator!.printed().length;

/** Sends `input` with one key three times (two at once, then again) and checks the answers. */
async function sendThrice(window: TestWindow, method: KeyedMethod, input: object, count: Counter) {
  const before = count();
  const keyed = { ...input, idempotencyKey: crypto.randomUUID() };
  const [first, second] = await Promise.all([
    window.invoke(method, keyed),
    window.invoke(method, keyed),
  ]);
  const third = await window.invoke(method, keyed);
  expect(first).toMatchObject({ ok: true });
  expect(second).toEqual(first);
  expect(third).toEqual(first);
  expect(count() - before).toBe(1);
  return { keyed, first };
}

/** A resident window on the kiosk. */
async function resident(index: number) {
  const window = openWindow(kiosk().backend);
  await signIn(window, index);
  return window;
}

/** One cash session on the lobby's simulated acceptor with these bills, ended. */
async function paidCash(window: TestWindow, bills: number[]) {
  const { cashSessionId } = await window.call<{ cashSessionId: string }>('payment.cashStart');
  for (const cents of bills) {
    const mark = window.events.length;
    expect(lobby().simulator!.insertBill(cents)).toBe(true);
    await window.next('hardware.bill', mark);
    const escrowed = window.events.length;
    await window.call('payment.cashEscrow', { cashSessionId, action: 'accept' });
    while (
      !window.events
        .slice(escrowed)
        .some((e) => (e.payload as { event?: string }).event === 'stacked')
    ) {
      await window.next('hardware.bill', window.events.length);
    }
  }
  await window.call('payment.cashEnd', { cashSessionId });
  return cashSessionId;
}

describe('idempotency keys: the same key twice is one action, for every keyed method', () => {
  const tested = new Set<KeyedMethod>();
  const backend = () => kiosk().backend;

  it('mail.send', async () => {
    const window = await resident(0);
    const input = { contactId: `${DEMO.residentId(0)}-c1`, subject: 'Once', body: 'Only once' };
    const { keyed } = await sendThrice(
      window,
      'mail.send',
      input,
      outboxRows(backend, 'mail.send'),
    );
    expect(await window.invoke('mail.send', { ...keyed, body: 'Something else' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    tested.add('mail.send');
  }, 30_000);

  it('stamps.purchase, and another person with the same key buys their own', async () => {
    const window = await resident(1);
    const input = { bundleId: 'bundle-5', payment: { kind: 'account' } };
    const count = outboxRows(backend, 'stamps.purchase');
    const { keyed, first } = await sendThrice(window, 'stamps.purchase', input, count);
    await window.call('auth.logout');
    await signIn(window, 2);
    const someoneElse = await window.invoke('stamps.purchase', keyed);
    expect(someoneElse).toMatchObject({ ok: true });
    expect(someoneElse).not.toEqual(first);
    tested.add('stamps.purchase');
  }, 30_000);

  it('tickets.file and tickets.reply', async () => {
    const window = await resident(3);
    const filed = await sendThrice(
      window,
      'tickets.file',
      {
        tabletSerial: 'TAB-0042',
        category: 'charging',
        description: 'The tablet does not charge at all',
        suggestionsShown: [],
      },
      outboxRows(backend, 'ticket.file'),
    );
    const ticketId = (filed.first as { value: { id: string } }).value.id;
    await sendThrice(
      window,
      'tickets.reply',
      { ticketId, body: 'Still not charging' },
      outboxRows(backend, 'ticket.reply'),
    );
    tested.add('tickets.file').add('tickets.reply');
  }, 30_000);

  it('account.requestRelease and account.printReleaseForm', async () => {
    const window = await resident(4);
    const requested = await sendThrice(
      window,
      'account.requestRelease',
      {
        tabletSerial: 'TAB-0042',
        firstName: 'Ana',
        lastName: 'Diaz',
        docNumber: DEMO.docNumber(4),
        phone: '+1 850 555 0100',
        returnAddress: '12 Palm Street, Tampa, FL 33601',
      },
      outboxRows(backend, 'release.request'),
    );
    const requestId = (requested.first as { value: { id: string } }).value.id;
    await sendThrice(window, 'account.printReleaseForm', { requestId }, printedPages(kiosk));
    tested.add('account.requestRelease').add('account.printReleaseForm');
  }, 60_000);

  it('maintenance.testPrint', async () => {
    const window = openWindow(kiosk().backend);
    await window.call('maintenance.unlock', { pin: DEMO.maintenancePin });
    await sendThrice(window, 'maintenance.testPrint', {}, printedPages(kiosk));
    tested.add('maintenance.testPrint');
  }, 30_000);

  it('lobby.deposit: one deposit, one receipt for one cash session', async () => {
    const window = openWindow(lobby().backend);
    const cashSessionId = await paidCash(window, [2000, 2000]);
    const printed = printedPages(lobby);
    const before = printed();
    await sendThrice(
      window,
      'lobby.deposit',
      {
        residentId: DEMO.residentId(0),
        amountCents: 3805,
        payment: { kind: 'cash', cashSessionId },
        depositorName: 'Rosa Gómez',
      },
      outboxRows(() => lobby().backend, 'deposit.create'),
    );
    expect(printed() - before).toBe(1);
    tested.add('lobby.deposit');
  }, 60_000);

  it('covers every keyed method of the contract', () => {
    expect([...tested].sort()).toEqual([...KEYED_METHODS].sort());
  });
});
