import { describe, expect, it } from 'vitest';
import type { ProcessorSimulatorProcess } from '../../sync/server/money/processor-process';
import type { CentralFixture } from './support/central';
import { centralWithProcessorForFile } from './support/central';
import { SyncedDevice } from './support/device';

/**
 * Card payments at kiosks, across every seam: the simulated reader's swipe is tokenized at the
 * processor simulator (its own process), the real backend charges it through the real central
 * service (`POST /v1/card-payments`), and only then queues the mutation that claims the charge.
 */
let central: CentralFixture;
let processor: ProcessorSimulatorProcess;
centralWithProcessorForFile((started, simulator) => {
  central = started;
  processor = simulator;
});

const tokenizer = () => ({ url: processor.url, publishableKey: processor.keys.publishableKey });

async function chargesFor(residentId: string) {
  return central.central.storage.all<{ id: string; amount_cents: number; claimed_by: string }>(
    'SELECT id, amount_cents, claimed_by FROM card_charges WHERE resident_id = ?',
    [residentId],
  );
}

async function ledgerOf(reference: string) {
  return central.central.storage.all<{ account: string; amount: number; kind: string }>(
    'SELECT account, amount, kind FROM ledger WHERE reference = ? ORDER BY account, amount',
    [reference],
  );
}

/** Marks every settled mutation as unsent, as if the device never heard the answers. */
function forgetPushAnswers(device: SyncedDevice): void {
  device.store.db.prepare("UPDATE outbox SET state = 'pending' WHERE state = 'applied'").run();
}

/** A new resident signed in at a housing-unit kiosk whose reader tokenizes at the processor. */
async function residentAtKiosk(docNumber: string) {
  const residentId = await central.central.resident({ docNumber });
  const kiosk = await SyncedDevice.enroll(central.url, await central.enrollment(), {
    hardware: true,
    processor: tokenizer(),
  });
  await kiosk.sync.syncNow();
  await kiosk.login(docNumber);
  await kiosk.syncUntilSettled();
  return { residentId, kiosk };
}

describe('a kiosk stamp purchase by card', () => {
  it('is captured once, booked once, also when the push is retried', async () => {
    const { residentId, kiosk } = await residentAtKiosk('S940001');
    try {
      const card = (await kiosk.swipeCard({ card: 'visa' })) as { token: string };
      expect(card.token).toMatch(/^tok_/);
      const purchase = await kiosk.call<{ purchaseId: string; priceCents: number; stamps: number }>(
        'stamps.purchase',
        { bundleId: 'bundle-5', payment: { kind: 'card', card } },
      );
      const [charge] = await chargesFor(residentId);
      expect(charge).toMatchObject({ amount_cents: purchase.priceCents });
      const atProcessor = await processor.call<{ status: string; capturedCents: number }>(
        'GET',
        `/v1/payments/${charge!.id}`,
      );
      expect(atProcessor.body).toMatchObject({
        status: 'captured',
        capturedCents: purchase.priceCents,
      });

      expect(await kiosk.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      forgetPushAnswers(kiosk);
      expect(await kiosk.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });

      expect(await ledgerOf(purchase.purchaseId)).toEqual([
        { account: 'money', amount: -purchase.priceCents, kind: 'stamp_purchase' },
        { account: 'money', amount: purchase.priceCents, kind: 'deposit' },
        { account: 'stamps', amount: purchase.stamps, kind: 'stamp_purchase' },
      ]);
      expect(await chargesFor(residentId)).toHaveLength(1);
      expect(kiosk.store.stamps.confirmed(residentId)).toBe(purchase.stamps);
    } finally {
      await kiosk.close();
    }
  });

  it('declined, or with the processor down, books and queues nothing, with a typed error', async () => {
    const { residentId, kiosk } = await residentAtKiosk('S940002');
    try {
      const card = await kiosk.swipeCard({ card: 'visaInsufficientFunds' });
      const error = await kiosk.failure('stamps.purchase', {
        bundleId: 'bundle-5',
        payment: { kind: 'card', card },
      });
      expect(error).toMatchObject({
        code: 'card_declined',
        details: { declineCode: 'insufficient_funds' },
      });
      expect(await chargesFor(residentId)).toEqual([]);

      // The processor goes down after the swipe was tokenized: an outage, not a decline.
      const tokenized = await kiosk.swipeCard({ card: 'visa' });
      await processor.outage(true);
      try {
        const down = await kiosk.failure('stamps.purchase', {
          bundleId: 'bundle-5',
          payment: { kind: 'card', card: tokenized },
        });
        expect(down).toMatchObject({ code: 'processor_unavailable' });
      } finally {
        await processor.outage(false);
      }
      expect(await chargesFor(residentId)).toEqual([]);
      expect(
        kiosk.store.db.prepare('SELECT name FROM outbox WHERE name = ?').all('stamps.purchase'),
      ).toEqual([]);
    } finally {
      await kiosk.close();
    }
  });
});

describe('a lobby card deposit', () => {
  it('is captured and booked once; offline it needs the network and queues nothing', async () => {
    const residentId = await central.central.resident({ docNumber: 'S940003' });
    const lobby = await SyncedDevice.enroll(central.url, await central.enrollment('lobby'), {
      hardware: true,
      profile: 'lobby',
      processor: tokenizer(),
    });
    try {
      await lobby.syncUntilSettled();
      const card = await lobby.swipeCard({ card: 'visa' });
      const deposit = await lobby.call<{
        depositId: string;
        amountCents: number;
        totalCents: number;
      }>('lobby.deposit', {
        residentId,
        amountCents: 2500,
        payment: { kind: 'card', card },
        depositorName: 'Ana Ruiz',
      });
      expect(await chargesFor(residentId)).toMatchObject([{ amount_cents: deposit.totalCents }]);
      expect(await lobby.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      forgetPushAnswers(lobby);
      expect(await lobby.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });
      expect(await ledgerOf(deposit.depositId)).toEqual([
        { account: 'money', amount: deposit.amountCents, kind: 'deposit' },
      ]);
      expect(await chargesFor(residentId)).toMatchObject([{ claimed_by: deposit.depositId }]);

      // The central service goes away: a card read still works, its payment cannot.
      const again = await lobby.swipeCard({ card: 'visa' });
      await central.stop();
      const offline = await lobby.failure('lobby.deposit', {
        residentId,
        amountCents: 2500,
        payment: { kind: 'card', card: again },
        depositorName: 'Ana Ruiz',
      });
      expect(offline).toMatchObject({ code: 'card_needs_network' });
      expect(
        lobby.store.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'").get(),
      ).toEqual({ n: 0 });
    } finally {
      await lobby.close();
    }
  });
});
