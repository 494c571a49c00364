import { describe, expect, it } from 'vitest';
import { useSimulatedHarness } from './testing/simulated-harness';
import { openWindow, signIn } from './testing/window';

const kiosk = useSimulatedHarness('kiosk');

/** Nobody at the device. The outbox is checked on its own: sign-ins queue PIN reports. */
const IDLE = { sessionOpen: false, paymentInProgress: false, printInProgress: false };

async function residentWindow(index: number) {
  const window = openWindow(kiosk().backend);
  await signIn(window, index);
  return window;
}

describe('Backend.activity on a housing-unit kiosk with simulated hardware', () => {
  it('is idle with no one signed in, busy while a session is open on any window', async () => {
    const lobby = openWindow(kiosk().backend);
    expect(await kiosk().backend.activity()).toEqual({ ...IDLE, outboxPending: 0 });
    const resident = await residentWindow(0);
    expect(await kiosk().backend.activity()).toMatchObject({ sessionOpen: true });
    await resident.call('auth.logout');
    expect(await kiosk().backend.activity()).toMatchObject(IDLE);
    const again = await residentWindow(1);
    again.close();
    expect(await kiosk().backend.activity()).toMatchObject(IDLE);
    lobby.close();
  }, 30_000);

  it('counts a card read or an open cash session as a payment in progress', async () => {
    const window = await residentWindow(2);
    await window.call('payment.cardStart');
    expect(await kiosk().backend.activity()).toMatchObject({ paymentInProgress: true });
    await window.call('payment.cardCancel');
    expect(await kiosk().backend.activity()).toMatchObject({ paymentInProgress: false });

    const cash = await window.call<{ cashSessionId: string }>('payment.cashStart');
    expect(await kiosk().backend.activity()).toMatchObject({ paymentInProgress: true });
    await window.call('payment.cashEnd', { cashSessionId: cash.cashSessionId });
    expect(await kiosk().backend.activity()).toMatchObject({ paymentInProgress: false });
    await window.call('auth.logout');
  }, 30_000);

  it('ends the payments a closed window left open, so they do not block updates forever', async () => {
    const window = await residentWindow(3);
    await window.call('payment.cardStart');
    const cash = await window.call<{ cashSessionId: string }>('payment.cashStart');
    window.close();
    expect(await kiosk().backend.activity()).toMatchObject(IDLE);
    // the acceptor is told to stop: the next window can open its own cash session
    const next = await residentWindow(4);
    const other = await next.call<{ cashSessionId: string }>('payment.cashStart');
    expect(other.cashSessionId).not.toBe(cash.cashSessionId);
    await next.call('payment.cashEnd', { cashSessionId: other.cashSessionId });
    await next.call('auth.logout');
  }, 30_000);

  it('reports a receipt while it prints and the purchase waiting in the outbox', async () => {
    const window = await residentWindow(5);
    const outboxBefore = (await kiosk().backend.activity()).outboxPending;
    const purchase = window.call<{ receipt: { status: string } }>('stamps.purchase', {
      bundleId: 'bundle-5',
      payment: { kind: 'account' },
      printReceipt: true,
    });
    let settled = false;
    void purchase.finally(() => (settled = true));
    let sawPrinting = false;
    while (!settled && !sawPrinting) {
      sawPrinting = (await kiosk().backend.activity()).printInProgress;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sawPrinting).toBe(true);
    expect((await purchase).receipt.status).toBe('printed');
    expect(await kiosk().backend.activity()).toMatchObject({
      printInProgress: false,
      outboxPending: outboxBefore + 1,
    });
    await window.call('auth.logout');
  }, 30_000);
});
