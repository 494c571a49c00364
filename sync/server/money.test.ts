import fc from 'fast-check';
import { assert, beforeEach, describe, expect, it } from 'vitest';
import { PullResponseSchema, type PushResponse } from '../protocol';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

const at = '2026-01-01T00:00:00.000Z';
let seq = 0;
function mutation(name: string, args: Record<string, unknown>) {
  seq += 1;
  return { id: crypto.randomUUID(), seq, createdAt: at, name, args };
}
function email(residentId: string, customerId: string) {
  return mutation('mail.send', {
    messageId: crypto.randomUUID(),
    residentId,
    customerId,
    kind: 'email',
    body: 'Hi mom',
  });
}
async function push(device: TestDevice, mutations: unknown[]): Promise<PushResponse> {
  const answer = await device.request<PushResponse>('POST', '/v1/push', { mutations });
  expect(answer.status).toBe(200);
  return answer.body;
}
async function balance(central: TestCentral, residentId: string) {
  const row = await central.storage.get<{ stamps: number; cents: number }>(
    "SELECT stamps, cents FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
    [residentId],
  );
  return { stamps: Number(row?.stamps ?? 0), cents: Number(row?.cents ?? 0) };
}

describe.each(STORAGE_KINDS)('stamps and money on %s', (kind) => {
  let central: TestCentral;
  let now = Date.parse('2026-12-01T12:00:00Z');
  beforeEach(() => {
    now = Date.parse('2026-12-01T12:00:00Z');
  });
  eachTestCentral(kind, (started) => (central = started), {
    clock: () => new Date(now),
    processor: true,
  });

  it('two devices spending the same last stamp: exactly one wins', async () => {
    const residentId = await central.resident({}, { stamps: 1 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const [a, b] = [await central.device(), await central.device()];
    const results = await Promise.all([
      push(a, [email(residentId, customer.customerId)]),
      push(b, [email(residentId, customer.customerId)]),
    ]);
    const outcomes = results.flatMap((r) => r.results.map((result) => result.outcome));
    expect(outcomes).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === 'applied')).toHaveLength(1);
    expect(
      outcomes.filter((o) => o.status === 'rejected' && o.code === 'insufficient_stamps'),
    ).toHaveLength(1);
    expect(await balance(central, residentId)).toEqual({ stamps: 0, cents: 0 });
    const messages = await central.storage.get<{ n: number }>('SELECT COUNT(*) AS n FROM messages');
    expect(Number(messages?.n)).toBe(1);
  });

  it('prepaid reply stamps reach the resident on release and pay the reply to that customer first', async () => {
    const residentId = await central.resident({}, { stamps: 3 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    expect((await customer.buyStamps(await central.cardToken(), residentId)).status).toBe(201);
    const messageId = crypto.randomUUID();
    const sent = await customer.call<{ stampsCharged: number }>('POST', '/v1/customer/mail', {
      messageId,
      residentId,
      body: 'Write back!',
      prepaidReplyStamps: 2,
    });
    expect(sent.status).toBe(201);
    expect(sent.body.stampsCharged).toBe(1);
    const account = await customer.call<{ stamps: number }>('GET', '/v1/customer/account');
    expect(account.body.stamps).toBe(5 - 1 - 2);
    const reviewer = await central.staff([{ role: 'reviewer', facilityId: central.facility.id }]);
    const approved = await reviewer.call('POST', `/v1/staff/review/${messageId}`, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);

    const kiosk = await central.device();
    const reply = await push(kiosk, [email(residentId, customer.customerId)]);
    expect(reply.results[0]?.outcome).toEqual({ status: 'applied' });
    expect((await balance(central, residentId)).stamps).toBe(3);
    const page = await kiosk.request('POST', '/v1/pull', {
      scopes: [{ scope: { kind: 'resident', id: residentId }, cursor: null }],
    });
    const [firstPage] = PullResponseSchema.parse(page.body).pages;
    assert.isDefined(firstPage);
    const changes = firstPage.changes;
    expect(changes.find((c) => c.entity === 'contact')).toMatchObject({
      data: { prepaidReplyStamps: 1 },
    });
    expect(changes.filter((c) => c.entity === 'message')).toHaveLength(2);
  });

  it('buys stamps from spendable money at the promotion price, refusing a stale price', async () => {
    const residentId = await central.resident({}, { cents: 1000 });
    const kiosk = await central.device();
    // Sample facility: bundle-20 is 700 cents, 15% off during the holiday promotion -> 595.
    const stale = await push(kiosk, [
      mutation('stamps.purchase', {
        purchaseId: crypto.randomUUID(),
        residentId,
        bundleId: 'bundle-20',
        expectedPriceCents: 700,
      }),
    ]);
    expect(stale.results[0]?.outcome).toMatchObject({ status: 'rejected', code: 'price_changed' });
    const bought = await push(kiosk, [
      mutation('stamps.purchase', {
        purchaseId: crypto.randomUUID(),
        residentId,
        bundleId: 'bundle-20',
        expectedPriceCents: 595,
      }),
    ]);
    expect(bought.results[0]?.outcome).toEqual({ status: 'applied' });
    expect(await balance(central, residentId)).toEqual({ stamps: 20, cents: 405 });
    const broke = await push(kiosk, [
      mutation('stamps.purchase', {
        purchaseId: crypto.randomUUID(),
        residentId,
        bundleId: 'bundle-20',
      }),
    ]);
    expect(broke.results[0]?.outcome).toMatchObject({
      status: 'rejected',
      code: 'insufficient_funds',
    });
    expect(await balance(central, residentId)).toEqual({ stamps: 20, cents: 405 });
  });

  it('credits kiosk cash bill by bill, never the same bill twice', async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const bill = { billId: crypto.randomUUID(), cents: 2000 };
    const first = await push(lobby, [
      mutation('deposit.create', {
        channel: 'kiosk_cash',
        depositId: crypto.randomUUID(),
        residentId,
        amountCents: 2305,
        feeCents: 195,
        bills: [bill, { billId: crypto.randomUUID(), cents: 500 }],
      }),
    ]);
    expect(first.results[0]?.outcome).toEqual({ status: 'applied' });
    // 2500 inserted: 2305 for the resident, the sample schedule's kiosk cash fee of 195.
    expect(await balance(central, residentId)).toEqual({ stamps: 0, cents: 2305 });
    const again = await push(lobby, [
      mutation('deposit.create', {
        channel: 'kiosk_cash',
        depositId: crypto.randomUUID(),
        residentId,
        amountCents: 1805,
        feeCents: 195,
        bills: [bill],
      }),
    ]);
    expect(again.results[0]?.outcome).toMatchObject({
      status: 'rejected',
      code: 'bill_already_credited',
    });
    expect(await balance(central, residentId)).toEqual({ stamps: 0, cents: 2305 });
  });

  it('books kiosk cash with the amount and fee the kiosk printed, up to the maximum', async () => {
    const residentId = await central.resident();
    const lobby = await central.device('lobby');
    const cash = (amountCents: number, feeCents: number, taken = amountCents + feeCents) =>
      mutation('deposit.create', {
        channel: 'kiosk_cash',
        depositId: crypto.randomUUID(),
        residentId,
        amountCents,
        feeCents,
        bills: [{ billId: crypto.randomUUID(), cents: taken }],
      });
    // $299.00 and $300.00 with the $1.95 fee: the totals once refused for good.
    const atMax = await push(lobby, [cash(29_900, 195), cash(30_000, 195)]);
    expect(atMax.results.map((r) => r.outcome)).toEqual([
      { status: 'applied' },
      { status: 'applied' },
    ]);
    expect((await balance(central, residentId)).cents).toBe(59_900);
    // The fee changed at the facility before the deposit synced: the printed fee stands.
    const raised = {
      ...central.facility,
      feeSchedule: central.facility.feeSchedule.map((row) =>
        row.channel === 'kiosk_cash' ? { ...row, flatCents: 300 } : row,
      ),
    };
    expect((await central.admin('PUT', '/v1/admin/facilities', raised)).status).toBe(200);
    const stale = cash(1000, 195);
    expect((await push(lobby, [stale])).results[0]?.outcome).toEqual({ status: 'applied' });
    const row = await central.storage.get<{ amount_cents: number; fee_cents: number }>(
      'SELECT amount_cents, fee_cents FROM deposits WHERE id = ?',
      [stale.args.depositId as string],
    );
    expect({ amount: Number(row?.amount_cents), fee: Number(row?.fee_cents) }).toEqual({
      amount: 1000,
      fee: 195,
    });
    // Bills that are not exactly amount plus fee: a kiosk bug, refused with nothing booked.
    const odd = await push(lobby, [cash(1000, 195, 1000)]);
    expect(odd.results[0]?.outcome).toMatchObject({ status: 'rejected', code: 'invalid_args' });
    expect((await balance(central, residentId)).cents).toBe(60_900);
  });

  it('blocks card deposits after a chargeback; a money order settles it first', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const depositId = crypto.randomUUID();
    const deposit = {
      channel: 'bank_card',
      depositId,
      residentId,
      amountCents: 5000,
      card: { token: await central.cardToken() },
      expectedFeeCents: 495,
    };
    const first = await customer.call<{ feeCents: number }>(
      'POST',
      '/v1/customer/deposits',
      deposit,
    );
    expect(first.status).toBe(201);
    expect(first.body.feeCents).toBe(495);
    // Same key, same body: the stored answer. Same key, other body: 409.
    expect(await customer.call('POST', '/v1/customer/deposits', deposit)).toEqual(first);
    expect(
      (await customer.call('POST', '/v1/customer/deposits', { ...deposit, amountCents: 6000 }))
        .status,
    ).toBe(409);

    const chargebackId = crypto.randomUUID();
    await central.admin('POST', '/v1/admin/chargebacks', {
      chargebackId,
      depositId,
      kind: 'bank_card',
      amountCents: 3000,
    });
    const blockedKey = crypto.randomUUID();
    const blocked = await customer.call<{ error: { code: string } }>(
      'POST',
      '/v1/customer/deposits',
      { ...deposit, depositId: blockedKey },
    );
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.code).toBe('blocked');
    // A refusal is stored too: retrying the same key gives the same refusal.
    expect(
      await customer.call('POST', '/v1/customer/deposits', { ...deposit, depositId: blockedKey }),
    ).toEqual(blocked);

    const moneyOrder = {
      channel: 'money_order',
      depositId: crypto.randomUUID(),
      residentId,
      amountCents: 4000,
      reference: 'MO-12345678',
    };
    // A customer cannot declare one: it is credited when it arrives, by finance.
    const declared = await customer.call('POST', '/v1/customer/deposits', {
      ...moneyOrder,
      expectedFeeCents: 0,
    });
    expect(declared.status).toBe(403);
    const reviewer = await central.staff([{ role: 'reviewer', facilityId: central.facility.id }]);
    expect((await reviewer.call('POST', '/v1/staff/deposits', moneyOrder)).status).toBe(403);
    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    const entered = { ...moneyOrder, customerId: customer.customerId };
    const order = await finance.call<{ settledChargebackCents: number; creditedCents: number }>(
      'POST',
      '/v1/staff/deposits',
      entered,
    );
    expect(await finance.call('POST', '/v1/staff/deposits', entered)).toEqual(order);
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ settledChargebackCents: 3000, creditedCents: 1000 });
    expect((await balance(central, residentId)).cents).toBe(6000);
    const unblocked = await customer.call('POST', '/v1/customer/deposits', {
      ...deposit,
      depositId: crypto.randomUUID(),
      card: { token: await central.cardToken() },
    });
    expect(unblocked.status).toBe(201);
  });

  it('answers the same idempotency key sent twice at once with one deposit', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const deposit = {
      channel: 'bank_card',
      depositId: crypto.randomUUID(),
      residentId,
      amountCents: 2500,
      card: { token: await central.cardToken() },
      expectedFeeCents: 495,
    };
    const [a, b] = await Promise.all([
      customer.call('POST', '/v1/customer/deposits', deposit),
      customer.call('POST', '/v1/customer/deposits', deposit),
    ]);
    expect(a.status).toBe(201);
    expect(b).toEqual(a);
    expect((await balance(central, residentId)).cents).toBe(2500);
  });

  it('keeps every balance equal to its ledger under random spending from two devices', async () => {
    const residentId = await central.resident({}, { stamps: 4, cents: 1500 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const devices = [await central.device(), await central.device()] as const;
    const op = fc.oneof(
      fc.constant(() => email(residentId, customer.customerId)),
      fc
        .constantFrom('bundle-5', 'bundle-20', 'nope')
        .map(
          (bundleId) => () =>
            mutation('stamps.purchase', { purchaseId: crypto.randomUUID(), residentId, bundleId }),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(1), op), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          await Promise.all(
            ([0, 1] as const).map(async (d) => {
              const batch = steps.filter(([who]) => who === d).map(([, make]) => make());
              if (batch.length > 0) await push(devices[d], batch);
            }),
          );
          expect(await central.ledgerInvariant()).toEqual({ mismatches: [], negatives: 0 });
        },
      ),
      { numRuns: 8 },
    );
  });
});
