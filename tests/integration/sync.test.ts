import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend';
import type { StampHistoryEntry } from '../../electron/contract';
import { createBackendSync, enrollWithCode } from '../../electron/backend/sync';
import { TEST_STORE_KEY } from '../../electron/backend/testing/store-key';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';
import { startFaultProxy } from './support/fault-proxy';

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
      // The login's auth.pinSucceeded and the send.
      expect(device.store.outbox.counts()).toMatchObject({ applied: 2, rejected: 0 });
      const message = device.store.mail.byId(messageId)!;
      expect(['sent', 'in_review', 'released']).toContain(message.status);
      expect(device.store.stamps.reserved(residentId)).toBe(0);
      expect(device.store.stamps.confirmed(residentId)).toBe(2);
      expect(await central.central.ledgerInvariant()).toEqual({ mismatches: [], negatives: 0 });
    } finally {
      await device.close();
    }
  });

  it("shows a purchase from the account once in the resident's stamp history", async () => {
    const residentId = await central.central.resident({ docNumber: 'S700006' }, { cents: 1000 });
    const device = await SyncedDevice.enroll(central.url, await central.enrollment());
    const history = async () =>
      (
        await device.call<{ entries: StampHistoryEntry[] }>('stamps.history', { limit: 20 })
      ).entries.map((entry) => [entry.kind, entry.stamps, entry.status]);
    try {
      await device.sync.syncNow();
      await device.login('S700006');
      await device.call('stamps.purchase', { bundleId: 'bundle-5', payment: { kind: 'account' } });
      expect(await history()).toEqual([['purchase', 5, 'pending']]);

      expect(await device.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      await device.sync.syncNow(); // the ledger entry of the applied purchase, pulled
      // The server's entry took the place of the device's own: one line, confirmed.
      expect(await history()).toEqual([['purchase', 5, 'confirmed']]);
      expect(device.store.stamps.confirmed(residentId)).toBe(5);
    } finally {
      await device.close();
    }
  });

  it('retries on its timer until the service is back, without a new local write', async () => {
    const residentId = await central.central.resident({ docNumber: 'S700003' }, { stamps: 2 });
    const proxy = await startFaultProxy(central.url);
    proxy.plan = () => ({ kind: 'reset' });
    const device = await SyncedDevice.enroll(central.url, await central.enrollment(), {
      syncUrl: proxy.url,
    });
    try {
      expect(await device.sync.syncNow()).toMatchObject({ state: 'offline', lastError: 'offline' });
      expect(device.sync.status().nextAttemptAt).toBeNull(); // not started: no timer yet
      device.sync.engine.start();
      await until(() => device.sync.status().nextAttemptAt !== null);
      proxy.plan = () => ({ kind: 'pass' });
      await until(() => device.sync.status().state === 'idle');
      expect(device.store.stamps.confirmed(residentId)).toBe(2);
      const states = device.events
        .filter((seen) => seen.event === 'sync.status')
        .map((seen) => (seen.payload as { state: string }).state);
      expect(states).toContain('offline');
      expect(states.at(-1)).toBe('idle');
    } finally {
      await device.close();
      await proxy.close();
    }
  });
});

describe('device profiles', () => {
  it('a tablet pulls only the resident assigned to the serial in its configuration', async () => {
    const mine = await central.central.resident(
      { docNumber: 'S700010', tabletSerial: 'TAB-INT-1' },
      { stamps: 3 },
    );
    const other = await central.central.resident({ docNumber: 'S700011' }, { stamps: 4 });
    const tablet = await SyncedDevice.enroll(central.url, await central.enrollment('tablet'), {
      profile: 'tablet',
      serial: 'TAB-INT-1',
    });
    try {
      expect(await tablet.sync.syncNow()).toMatchObject({ state: 'idle', lastError: null });
      expect(tablet.store.identity.device()?.serial).toBe('TAB-INT-1');
      expect(tablet.store.stamps.confirmed(mine)).toBe(3);
      expect(tablet.store.stamps.confirmed(other)).toBe(0); // never asked for, never sent
    } finally {
      await tablet.close();
    }
  });
});

describe('a queued mutation', () => {
  it('is pushed at once after its transaction commits, not on the next timer tick', async () => {
    const residentId = await central.central.resident({ docNumber: 'S700005' }, { stamps: 2 });
    const customerId = await central.customerFor(residentId);
    const device = await SyncedDevice.enroll(central.url, await central.enrollment(), {
      timer: { intervalMs: 3_600_000 }, // the timer never fires during this test
    });
    try {
      await until(() => device.store.stamps.confirmed(residentId) === 2);
      await until(() => device.sync.status().state === 'idle');
      await device.login('S700005');
      const messageId = await device.sendMail(customerId);
      await until(() => device.store.outbox.counts().applied === 2); // the login's, the send
      expect(device.store.mail.byId(messageId)?.status).not.toBe('queued');
      await until(() => device.store.stamps.confirmed(residentId) === 1); // pulled back down
    } finally {
      await device.close();
    }
  });
});

describe('a device enrolled after its backend started', () => {
  it('starts syncing on its own once enrollment finishes', async () => {
    const residentId = await central.central.resident({ docNumber: 'S700004' }, { stamps: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'homeline-late-'));
    const backend = await createBackend({
      dataDir: dir,
      storeKey: TEST_STORE_KEY,
      profile: 'kiosk',
      facilityId: central.facilityId,
      logger: pino({ level: 'silent' }),
      syncClient: createBackendSync({ appVersion: '1.0.0', intervalMs: 50 }),
    });
    try {
      await until(() => backend.store.sync.state().lastError === 'not_enrolled');
      const enrollment = await central.enrollment();
      await enrollWithCode(backend.store, {
        serverUrl: central.url,
        code: enrollment.code,
        appVersion: '1.0.0',
        now: () => new Date().toISOString(),
      });
      await until(() => backend.store.stamps.confirmed(residentId) === 4);
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an app too old for the service', () => {
  it('surfaces "upgrade required" as the sync status', async () => {
    const strict = await CentralFixture.start(undefined, { minAppVersion: '9.0.0' });
    try {
      // Enrollment itself needs a current app, so this device enrolled before the minimum rose.
      const device = await SyncedDevice.enroll(central.url, await central.enrollment(), {
        syncUrl: strict.url,
      });
      try {
        expect(await device.sync.syncNow()).toMatchObject({
          state: 'error',
          lastError: 'upgrade_required',
        });
      } finally {
        await device.close();
      }
    } finally {
      await strict.stop();
    }
  });
});

/** Waits for a condition the client reaches on its own timer. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
