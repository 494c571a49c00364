import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';

/** A whole device (createBackend + sync connector) against the real central service. */
let central: CentralFixture;

beforeAll(async () => {
  central = await CentralFixture.start();
});
afterAll(() => central.stop());

describe('sync with the central service', () => {
  it('enrolls, pulls the facility, its residents and balances, and pushes a mutation', async () => {
    const residentId = await central.central.resident(
      { docNumber: 'S700001' },
      { stamps: 7, cents: 1500 },
    );
    const device = await SyncedDevice.enroll(central.url, await central.enrollment());
    try {
      const status = await device.sync.syncNow();
      expect(status).toMatchObject({ state: 'idle', lastError: null, pendingMutations: 0 });
      expect(device.store.identity.facility(central.facilityId)?.config).toEqual(
        central.central.facility,
      );
      expect(device.store.residents.byDocNumber('FL', 'S700001')?.id).toBe(residentId);
      expect(device.store.stamps.confirmed(residentId)).toBe(7);
      expect(device.events.some((seen) => seen.event === 'stamps.changed')).toBe(true);
      expect(
        device.events.filter((seen) => seen.event === 'sync.status').at(-1)?.payload,
      ).toMatchObject({
        state: 'idle',
      });

      const at = new Date().toISOString();
      device.store.transaction(() =>
        device.store.outbox.enqueue('auth.pinFailed', { residentId, at }, at),
      );
      expect((await device.sync.syncNow()).pushed).toBe(1);
      expect(device.store.outbox.counts()).toMatchObject({ pending: 0, sent: 0, applied: 1 });
      expect(device.store.residents.credential(residentId)?.failedAttempts).toBe(1);
    } finally {
      await device.close();
    }
  });

  it('sends mail written offline at the kiosk: stamps spent once, message in review', async () => {
    const residentId = await central.central.resident({ docNumber: 'S700002' }, { stamps: 3 });
    const customerId = await central.customerFor(residentId);
    const device = await SyncedDevice.enroll(central.url, await central.enrollment());
    try {
      await device.sync.syncNow();
      await device.login('S700002');
      const messageId = await device.sendMail(customerId);
      expect(device.store.mail.byId(messageId)?.status).toBe('queued');
      expect(device.store.stamps.reserved(residentId)).toBe(1);

      const status = await device.syncUntilSettled();
      expect(status).toMatchObject({ state: 'idle', pendingMutations: 0 });
      expect(device.store.outbox.counts()).toMatchObject({ applied: 1, rejected: 0 });
      const message = device.store.mail.byId(messageId)!;
      expect(['sent', 'in_review', 'released']).toContain(message.status);
      expect(device.store.stamps.reserved(residentId)).toBe(0);
      expect(device.store.stamps.confirmed(residentId)).toBe(2);
      expect(await central.central.ledgerInvariant()).toEqual({ mismatches: [], negatives: 0 });
    } finally {
      await device.close();
    }
  });
});
