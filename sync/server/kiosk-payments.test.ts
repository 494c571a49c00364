import { describe, expect, it } from 'vitest';
import type { PushResponse } from '../protocol';
import type { TestCentral } from './testing/central';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/** stamps.purchase paid at the kiosk (mutations/stamps.ts), on both engines. */
let seq = 0;
function purchase(residentId: string, payment: Record<string, unknown>, expectedPriceCents = 200) {
  seq += 1;
  return {
    id: crypto.randomUUID(),
    seq,
    createdAt: '2026-01-01T00:00:00.000Z',
    name: 'stamps.purchase',
    args: {
      purchaseId: crypto.randomUUID(),
      residentId,
      bundleId: 'bundle-5',
      expectedPriceCents,
      payment,
    },
  };
}
const card = {
  token: 'tok_'.padEnd(40, 'x'),
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2031,
  funding: 'debit',
};
async function push(device: TestDevice, mutations: unknown[]) {
  const answer = await device.request<PushResponse>('POST', '/v1/push', { mutations });
  expect(answer.status).toBe(200);
  return answer.body.results.map((result) => result.outcome);
}

describe.each(STORAGE_KINDS)('kiosk-paid stamp purchases on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started));

  it('books a card payment and the purchase; keeps only the token hash and last four', async () => {
    const residentId = await central.resident();
    const kiosk = await central.device();
    const paid = purchase(residentId, { kind: 'kiosk_card', card });
    expect(await push(kiosk, [paid])).toEqual([{ status: 'applied' }]);
    const stored = await central.storage.get<Record<string, unknown>>(
      'SELECT * FROM deposits WHERE id = ?',
      [paid.args.purchaseId],
    );
    expect(stored).toMatchObject({ channel: 'kiosk_card', fee_cents: 0, card_last4: '4242' });
    expect(JSON.stringify(stored)).not.toContain(card.token);
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

  it('refuses a payment from a lobby kiosk and bad payment shapes', async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    expect(await push(lobby, [purchase(residentId, { kind: 'kiosk_card', card })])).toMatchObject([
      { status: 'rejected', code: 'forbidden' },
    ]);
    const kiosk = await central.device();
    const bad = await push(kiosk, [
      purchase(residentId, { kind: 'kiosk_card', card: { ...card, last4: '42' } }),
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
