import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';
import { expectConsistent } from './support/invariants';

/**
 * A lobby cash deposit through the real backend, the simulated bill acceptor and the real central
 * service, at the facility's minimum, just under its maximum and at its maximum (the sample
 * facility: $1.00 to $300.00, kiosk cash fee $1.95). What the kiosk printed is what the service
 * booked: the same amount and fee, once; bills beyond the total (no change is given) are credited
 * and printed too; and the bill journal's summary of the session reaches the service beside it.
 */
let central: CentralFixture;

beforeAll(async () => {
  central = await CentralFixture.start();
});
afterAll(() => central.stop());

interface Receipt {
  depositId: string;
  amountCents: number;
  feeCents: number;
  totalCents: number;
}

describe('a lobby cash deposit', () => {
  it.each([
    { name: 'at the minimum', amountCents: 100, bills: [100, 100, 100] },
    { name: 'just under the maximum', amountCents: 29_999, bills: [10000, 10000, 10000, 100, 100] },
    { name: 'at the maximum', amountCents: 30_000, bills: [10000, 10000, 10000, 100, 100] },
  ])('$name is booked as printed', async ({ amountCents, bills }) => {
    const docNumber = `S94${String(amountCents).padStart(5, '0')}`;
    const residentId = await central.central.resident({ docNumber });
    const lobby = await SyncedDevice.enroll(central.url, await central.enrollment('lobby'), {
      profile: 'lobby',
      hardware: true,
    });
    try {
      await lobby.sync.syncNow();
      const quote = await lobby.call<{ feeCents: number; totalCents: number; allowed: boolean }>(
        'lobby.quoteDeposit',
        { residentId, channel: 'kiosk_cash', amountCents },
      );
      expect(quote).toMatchObject({ feeCents: 195, totalCents: amountCents + 195, allowed: true });
      const cash = await lobby.insertCash(bills);
      const inserted = bills.reduce((sum, bill) => sum + bill, 0);
      expect(cash.insertedCents).toBe(inserted);
      const receipt = await lobby.call<Receipt>('lobby.deposit', {
        residentId,
        amountCents,
        payment: { kind: 'cash', cashSessionId: cash.cashSessionId },
        depositorName: 'Rosa Lopez',
      });
      // No change: everything inserted is the total, the fee is the one quoted.
      expect(receipt).toMatchObject({
        feeCents: 195,
        amountCents: inserted - 195,
        totalCents: inserted,
      });
      expect(await lobby.syncUntilSettled()).toMatchObject({ state: 'idle', pendingMutations: 0 });

      const booked = await central.central.storage.get<{ amount_cents: number; fee_cents: number }>(
        'SELECT amount_cents, fee_cents FROM deposits WHERE id = ?',
        [receipt.depositId],
      );
      expect({ amount: Number(booked?.amount_cents), fee: Number(booked?.fee_cents) }).toEqual({
        amount: receipt.amountCents,
        fee: receipt.feeCents,
      });
      const balance = await central.central.storage.get<{ cents: number }>(
        "SELECT cents FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
        [residentId],
      );
      expect(Number(balance?.cents)).toBe(receipt.amountCents);
      // the deposit, then the bill journal's summary of its session: bills per denomination
      const outcome = await central.mutationsOf(lobby.deviceId);
      expect(outcome.map((row) => JSON.parse(row.outcome))).toEqual([
        { status: 'applied' },
        { status: 'applied' },
      ]);
      const journal = await central.central.storage.get<{
        total_cents: number;
        bill_count: number;
        denominations: string;
      }>(
        'SELECT total_cents, bill_count, denominations FROM cash_journals WHERE cash_session_id = ?',
        [cash.cashSessionId],
      );
      const counts = new Map<number, number>();
      for (const bill of bills) counts.set(bill, (counts.get(bill) ?? 0) + 1);
      expect({
        total: Number(journal?.total_cents),
        bills: Number(journal?.bill_count),
        denominations: JSON.parse(journal?.denominations ?? '[]') as unknown,
      }).toEqual({
        total: inserted,
        bills: bills.length,
        denominations: [...counts]
          .sort(([a], [b]) => a - b)
          .map(([cents, count]) => ({ cents, count })),
      });
      await expectConsistent(central, lobby, [residentId]);
    } finally {
      await lobby.close();
    }
  });
});
