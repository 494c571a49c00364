import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../backend';
import { tempDir } from '../backend/testing/temp-dir';
import { startHarness, type Harness } from './server';
import { openWindow, type TestWindow } from './testing/window';

const names = (window: TestWindow) => window.events.map((e) => e.event);

async function signIn(window: TestWindow, index: number) {
  await window.call('auth.login', {
    method: 'doc',
    state: DEMO.state,
    docNumber: DEMO.docNumber(index),
    pin: DEMO.pin,
  });
}

describe('hardware events with two connections open', () => {
  let dir: ReturnType<typeof tempDir>;
  let kiosk: Harness;
  let lobby: Harness;
  beforeAll(async () => {
    dir = tempDir();
    const logger = pino({ level: 'silent' });
    [kiosk, lobby] = await Promise.all([
      startHarness({
        dataDir: join(dir.path, 'kiosk'),
        profile: 'kiosk',
        simulatedDevices: true,
        logger,
      }),
      startHarness({
        dataDir: join(dir.path, 'lobby'),
        profile: 'lobby',
        simulatedDevices: true,
        logger,
      }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([kiosk.close(), lobby.close()]);
    dir.cleanup();
  });

  it('delivers a card read only to the connection that started it', async () => {
    const asked = openWindow(lobby.backend);
    const other = openWindow(lobby.backend);
    await asked.call('payment.cardStart');
    lobby.simulator!.swipe({ card: 'visa', name: 'GOMEZ/ROSA' });
    const card = await asked.next<{ last4: string }>('hardware.cardRead');
    expect(card.last4).toMatch(/^\d{4}$/);
    expect(names(other)).not.toContain('hardware.cardRead');
    await asked.call('payment.cardCancel');
    asked.close();
    other.close();
  }, 30_000);

  it('delivers bill events only to the connection whose cash session it is', async () => {
    const payer = openWindow(lobby.backend);
    const other = openWindow(lobby.backend);
    const cash = await payer.call<{ cashSessionId: string }>('payment.cashStart');
    expect(lobby.simulator!.insertBill(500)).toBe(true);
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
    const signedIn = openWindow(kiosk.backend);
    await signIn(signedIn, 0);
    const loginScreen = openWindow(kiosk.backend);
    kiosk.simulator!.scanBadge(DEMO.badgeToken(1));
    expect(await loginScreen.next('hardware.badge')).toEqual({ badgeToken: DEMO.badgeToken(1) });
    expect(names(signedIn)).not.toContain('hardware.badge');
    await signedIn.call('auth.logout');
    signedIn.close();
    loginScreen.close();
  }, 30_000);

  it('still tells every connection about the printer', async () => {
    const buyer = openWindow(kiosk.backend);
    const other = openWindow(kiosk.backend);
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
