import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';

/**
 * The PIN lockout rule (five wrong PINs in a row lock the resident) counts tries on every device:
 * each kiosk reports its checked PINs, the central service counts them, and the lock flows back
 * down with the resident to every device.
 */
let central: CentralFixture;

beforeAll(async () => {
  central = await CentralFixture.start();
});
afterAll(() => central.stop());

async function wrongPins(kiosk: SyncedDevice, docNumber: string, count: number) {
  for (let i = 0; i < count; i += 1) {
    await expect(kiosk.login(docNumber, '0000')).rejects.toThrow(/invalid_credentials/);
  }
}

async function failedAttemptsOnServer(residentId: string) {
  return central.central.storage.get<{ failed_pin_attempts: number; locked_at: string | null }>(
    'SELECT failed_pin_attempts, locked_at FROM residents WHERE id = ?',
    [residentId],
  );
}

describe('PIN lockout across devices', () => {
  it('three wrong PINs on one kiosk and two on another lock the resident on both', async () => {
    const residentId = await central.central.resident({ docNumber: 'S910001' });
    const kiosks = [
      await SyncedDevice.enroll(central.url, await central.enrollment()),
      await SyncedDevice.enroll(central.url, await central.enrollment()),
    ];
    try {
      for (const kiosk of kiosks) await kiosk.sync.syncNow();
      // Offline, neither kiosk alone reaches the limit.
      await wrongPins(kiosks[0]!, 'S910001', 3);
      await wrongPins(kiosks[1]!, 'S910001', 2);
      for (const kiosk of kiosks) await kiosk.syncUntilSettled();
      expect(await failedAttemptsOnServer(residentId)).toMatchObject({ failed_pin_attempts: 5 });
      expect((await failedAttemptsOnServer(residentId))?.locked_at).not.toBeNull();

      for (const kiosk of kiosks) {
        await kiosk.sync.syncNow(); // the lock comes down with the resident
        expect(kiosk.store.residents.credential(residentId)).toMatchObject({ locked: true });
        await expect(kiosk.login('S910001')).rejects.toThrow(/"code":"locked"/);
      }
    } finally {
      for (const kiosk of kiosks) await kiosk.close();
    }
  });

  it('a right PIN on one kiosk starts the count again everywhere', async () => {
    const residentId = await central.central.resident({ docNumber: 'S910002' });
    const kiosks = [
      await SyncedDevice.enroll(central.url, await central.enrollment()),
      await SyncedDevice.enroll(central.url, await central.enrollment()),
    ];
    try {
      for (const kiosk of kiosks) await kiosk.sync.syncNow();
      await wrongPins(kiosks[0]!, 'S910002', 4);
      await kiosks[0]!.syncUntilSettled();
      await kiosks[1]!.sync.syncNow();
      expect(kiosks[1]!.store.residents.credential(residentId)?.failedAttempts).toBe(4);
      await kiosks[1]!.login('S910002');
      await kiosks[1]!.syncUntilSettled();
      await kiosks[0]!.sync.syncNow();
      expect(await failedAttemptsOnServer(residentId)).toMatchObject({
        failed_pin_attempts: 0,
        locked_at: null,
      });
      expect(kiosks[0]!.store.residents.credential(residentId)).toMatchObject({
        failedAttempts: 0,
        locked: false,
      });
    } finally {
      for (const kiosk of kiosks) await kiosk.close();
    }
  });
});
