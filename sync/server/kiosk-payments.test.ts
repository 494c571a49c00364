import { describe, expect, it } from 'vitest';
import type { PushResponse } from '../protocol';
import type { TestCentral } from './testing/central';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { chargeAtKiosk, stampPurchase } from './testing/kiosk-card';
import { STORAGE_KINDS } from './testing/storages';

/** stamps.purchase paid at the kiosk (mutations/stamps.ts), on both engines. */
let seq = 0;
function purchase(residentId: string, payment: Record<string, unknown>, expectedPriceCents = 200) {
  seq += 1;
  return stampPurchase(seq, residentId, payment, expectedPriceCents);
}
const charge = chargeAtKiosk;
async function push(device: TestDevice, mutations: unknown[]) {
  const answer = await device.request<PushResponse>('POST', '/v1/push', { mutations });
  expect(answer.status).toBe(200);
  return answer.body.results.map((result) => result.outcome);
}

describe.each(STORAGE_KINDS)('kiosk-paid stamp purchases on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  it('books a captured card charge and the purchase once; keeps the charge id and last four', async () => {
    const residentId = await central.resident();
    const kiosk = await central.device();
    const { chargeId, token } = await charge(central, kiosk, residentId);
    const paid = purchase(residentId, { kind: 'kiosk_card', chargeId });
    const twice = purchase(residentId, { kind: 'kiosk_card', chargeId });
    expect(await push(kiosk, [paid, twice])).toMatchObject([
      { status: 'applied' },
      { status: 'rejected', code: 'payment_required' },
    ]);
    const stored = await central.storage.get<Record<string, unknown>>(
      'SELECT * FROM deposits WHERE id = ?',
      [paid.args.purchaseId],
    );
    expect(stored).toMatchObject({
      channel: 'kiosk_card',
      fee_cents: 0,
      card_last4: '4242',
      charge_id: chargeId,
    });
    expect(JSON.stringify(stored)).not.toContain(token);
    const row = await central.storage.get<{ stamps: number; cents: number }>(
      "SELECT stamps, cents FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
      [residentId],
    );
    expect({ stamps: Number(row?.stamps), cents: Number(row?.cents) }).toEqual({
      stamps: 5,
      cents: 0,
    });
  });

  it('credits each bill once and refuses cash short of the price, booking nothing', async () => {
    const residentId = await central.resident();
    const kiosk = await central.device();
    const billId = crypto.randomUUID();
    const bills = [{ billId, cents: 500 }];
    const first = purchase(residentId, { kind: 'kiosk_cash', bills });
    const again = purchase(residentId, { kind: 'kiosk_cash', bills });
    const short = purchase(residentId, {
      kind: 'kiosk_cash',
      bills: [{ billId: crypto.randomUUID(), cents: 100 }],
    });
    const outcomes = await push(kiosk, [first, again, short]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'rejected', 'rejected']);
    expect(outcomes.slice(1)).toMatchObject([
      { code: 'bill_already_credited' },
      { code: 'insufficient_funds' },
    ]);
    const ledger = await central.storage.all(
      'SELECT 1 AS yes FROM ledger WHERE reference IN (?, ?)',
      [again.args.purchaseId, short.args.purchaseId],
    );
    expect(ledger).toEqual([]);
  });

  it('refuses an invented charge, a charge of another kiosk, a wrong amount, and bad shapes', async () => {
    const residentId = await central.resident();
    const kiosk = await central.device();
    const other = await central.device();
    const { chargeId } = await charge(central, other, residentId);
    const { chargeId: fiveDollars } = await charge(central, kiosk, residentId, 500);
    expect(
      await push(kiosk, [
        purchase(residentId, { kind: 'kiosk_card', chargeId: 'pay_invented0000' }),
        purchase(residentId, { kind: 'kiosk_card', chargeId }),
        purchase(residentId, { kind: 'kiosk_card', chargeId: fiveDollars }),
      ]),
    ).toMatchObject([
      { status: 'rejected', code: 'payment_required' },
      { status: 'rejected', code: 'payment_required' },
      { status: 'rejected', code: 'payment_required' },
    ]);
    const lobby = await central.device('lobby');
    expect(
      await push(lobby, [purchase(residentId, { kind: 'kiosk_card', chargeId: fiveDollars })]),
    ).toMatchObject([{ status: 'rejected', code: 'forbidden' }]);
    const bad = await push(kiosk, [
      purchase(residentId, { kind: 'kiosk_card', chargeId: 'x' }),
      purchase(residentId, { kind: 'kiosk_cash', bills: [] }),
      purchase(residentId, { kind: 'cheque' }),
    ]);
    expect(bad.map((outcome) => outcome.status === 'rejected' && outcome.code)).toEqual([
      'invalid_args',
      'invalid_args',
      'invalid_args',
    ]);
  });
});
