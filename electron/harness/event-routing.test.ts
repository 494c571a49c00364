import { describe, expect, it } from 'vitest';
import { DEMO } from '../backend';
import { useSimulatedHarness } from './testing/simulated-harness';
import { openWindow, signIn, type TestWindow } from './testing/window';

const names = (window: TestWindow) => window.events.map((e) => e.event);

describe('hardware events with two connections open', () => {
  const kiosk = useSimulatedHarness('kiosk');
  const lobby = useSimulatedHarness('lobby');

  it('delivers a card read only to the connection that started it', async () => {
    const asked = openWindow(lobby().backend);
    const other = openWindow(lobby().backend);
    await asked.call('payment.cardStart');
    lobby().simulator!.swipe({ card: 'visa', name: 'GOMEZ/ROSA' });
    const card = await asked.next<{ last4: string }>('hardware.cardRead');
    expect(card.last4).toMatch(/^\d{4}$/);
    expect(names(other)).not.toContain('hardware.cardRead');
    await asked.call('payment.cardCancel');
    asked.close();
    other.close();
  }, 30_000);

  it('delivers bill events only to the connection whose cash session it is', async () => {
    const payer = openWindow(lobby().backend);
    const other = openWindow(lobby().backend);
    const cash = await payer.call<{ cashSessionId: string }>('payment.cashStart');
    expect(lobby().simulator!.insertBill(500)).toBe(true);
    const bill = await payer.next<{ event: string; session: { cashSessionId: string } }>(
      'hardware.bill',
    );
    expect(bill).toMatchObject({ event: 'escrow', session: { cashSessionId: cash.cashSessionId } });
    expect(names(other)).not.toContain('hardware.bill');
    await payer.call('payment.cashEnd', { cashSessionId: cash.cashSessionId });
    payer.close();
    other.close();
  }, 30_000);

  it('delivers a badge scan only to kiosk connections where nobody is signed in', async () => {
    const signedIn = openWindow(kiosk().backend);
    await signIn(signedIn, 0);
    const loginScreen = openWindow(kiosk().backend);
    kiosk().simulator!.scanBadge(DEMO.badgeToken(1));
    expect(await loginScreen.next('hardware.badge')).toEqual({ badgeToken: DEMO.badgeToken(1) });
    expect(names(signedIn)).not.toContain('hardware.badge');
    await signedIn.call('auth.logout');
    signedIn.close();
    loginScreen.close();
  }, 30_000);

  it('still tells every connection about the printer', async () => {
    const buyer = openWindow(kiosk().backend);
    const other = openWindow(kiosk().backend);
    await signIn(buyer, 2);
    const purchase = await buyer.call<{ receipt: { jobId: string } }>('stamps.purchase', {
      bundleId: 'bundle-5',
      payment: { kind: 'account' },
      printReceipt: true,
    });
    // the job's outcome is reported before the purchase answers
    for (const window of [buyer, other]) {
      const jobs = window.events
        .filter((e) => e.event === 'hardware.printer')
        .map((e) => (e.payload as { job: { jobId: string } | null }).job?.jobId);
      expect(jobs).toContain(purchase.receipt.jobId);
    }
    await buyer.call('auth.logout');
    buyer.close();
    other.close();
  }, 30_000);
});
