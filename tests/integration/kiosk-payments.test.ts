import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { expectConsistent } from './support/invariants';

/**
 * Stamps bought at a housing-unit kiosk with cash: the real service, the real backend with the
 * simulated bill acceptor, and a push whose answer is lost once (the device pushes again).
 */
let central: CentralFixture;
let proxy: FaultProxy;

beforeAll(async () => {
  central = await CentralFixture.start();
  proxy = await startFaultProxy(central.url);
});
afterAll(async () => {
  await proxy.close();
  await central.stop();
});

interface LedgerRow extends Record<string, unknown> {
  account: string;
  amount: number;
  kind: string;
}

/** The server's ledger for a purchase paid with `cents` of cash: in, paid out, stamps in. */
async function expectPaidWithCash(
  purchase: { purchaseId: string; priceCents: number; stamps: number },
  cents: number,
) {
  const ledger = await central.central.storage.all<LedgerRow>(
    'SELECT account, amount, kind FROM ledger WHERE reference = ? ORDER BY account, amount',
    [purchase.purchaseId],
  );
  expect(ledger).toEqual([
    { account: 'money', amount: -purchase.priceCents, kind: 'stamp_purchase' },
    { account: 'money', amount: cents, kind: 'deposit' },
    { account: 'stamps', amount: purchase.stamps, kind: 'stamp_purchase' },
  ]);
}

describe('a stamp purchase paid with cash at the kiosk', () => {
  it('lands once on the server with its ledger entries, also when the push is retried', async () => {
    const residentId = await central.central.resident({ docNumber: 'S930001' });
    const kiosk = await SyncedDevice.enroll(central.url, await central.enrollment(), {
      syncUrl: proxy.url,
      hardware: true,
    });
    try {
      await kiosk.sync.syncNow();
      await kiosk.login('S930001');
      await kiosk.syncUntilSettled();
      const cash = await kiosk.insertCash([500]);
      expect(cash.insertedCents).toBe(500);
      const purchase = await kiosk.call<{ purchaseId: string; priceCents: number; stamps: number }>(
        'stamps.purchase',
        { bundleId: 'bundle-5', payment: { kind: 'cash', cashSessionId: cash.cashSessionId } },
      );

      // The first push reaches the service, its answer does not: the device pushes again.
      let dropped = 0;
      proxy.plan = ({ path }) =>
        path.startsWith('/v1/push') && dropped++ === 0
          ? { kind: 'drop_response' }
          : { kind: 'pass' };
      expect(await kiosk.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      proxy.plan = () => ({ kind: 'pass' });
      expect(dropped).toBeGreaterThan(1);
      await kiosk.sync.syncNow();

      await expectPaidWithCash(purchase, 500);
      const bills = await central.central.storage.all('SELECT cents FROM bills WHERE bill_id = ?', [
        cash.cashSessionId,
      ]);
      expect(bills).toEqual([{ cents: 500 }]);
      await expectConsistent(central, kiosk, [residentId]);
      expect(kiosk.store.stamps.confirmed(residentId)).toBe(purchase.stamps);
      const balance = await kiosk.call<{ spendableCents: number }>('account.status');
      expect(balance.spendableCents).toBe(500 - purchase.priceCents); // the change stays
      const outbox = kiosk.store.db
        .prepare<[], { state: string }>("SELECT state FROM outbox WHERE name = 'stamps.purchase'")
        .all();
      expect(outbox).toEqual([{ state: 'applied' }]);
      // the bill journal's summary of the session, applied once beside the purchase
      const journal = kiosk.store.db
        .prepare<[], { state: string }>("SELECT state FROM outbox WHERE name = 'cash.journal'")
        .all();
      expect(journal).toEqual([{ state: 'applied' }]);
      const summaries = await central.central.storage.all<{ total_cents: number }>(
        'SELECT total_cents FROM cash_journals WHERE cash_session_id = ?',
        [cash.cashSessionId],
      );
      expect(summaries.map((row) => Number(row.total_cents))).toEqual([500]);
    } finally {
      await kiosk.close();
    }
  });

  it('whose price changed before it synced keeps the price the resident paid', async () => {
    const residentId = await central.central.resident({ docNumber: 'S930002' });
    const kiosk = await SyncedDevice.enroll(central.url, await central.enrollment(), {
      hardware: true,
    });
    const facility = central.central.facility;
    try {
      await kiosk.sync.syncNow();
      await kiosk.login('S930002');
      await kiosk.syncUntilSettled();
      const cash = await kiosk.insertCash([500]);
      const purchase = await kiosk.call<{ purchaseId: string; priceCents: number; stamps: number }>(
        'stamps.purchase',
        { bundleId: 'bundle-5', payment: { kind: 'cash', cashSessionId: cash.cashSessionId } },
      );
      // Offline meanwhile, the facility raised the bundle's price.
      const raised = {
        ...facility,
        stampBundles: facility.stampBundles.map((bundle) =>
          bundle.id === 'bundle-5' ? { ...bundle, priceCents: bundle.priceCents + 100 } : bundle,
        ),
      };
      expect((await central.central.admin('PUT', '/v1/admin/facilities', raised)).status).toBe(200);

      expect(await kiosk.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      await kiosk.sync.syncNow();
      await expectPaidWithCash(purchase, 500);
      await expectConsistent(central, kiosk, [residentId]);
    } finally {
      await central.central.admin('PUT', '/v1/admin/facilities', facility);
      await kiosk.close();
    }
  });
});
