import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  CustomerAccountResponseSchema,
  CustomerStampHistorySchema,
  StampRefundResponseSchema,
} from '../protocol';
import { saveFacility } from './facilities';
import { createRefundSweep } from './money/refund-sweep';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';
import { inWork } from './work';

/**
 * A customer's stamps per agency (state DOC), on both engines: a purchase credits the agency of
 * the quoted facility, a message spends the recipient's agency, and unused stamps of one agency
 * go back to the card payments they came from, through the processor simulator, once.
 */

describe.each(STORAGE_KINDS)('customer stamps per agency on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  /** A Georgia facility whose 5-stamp bundle costs $3.00 (Florida's costs $2.00). */
  async function georgia(): Promise<string> {
    const facility = {
      ...central.facility,
      id: 'ga-macon-sp',
      name: 'Macon State Prison',
      state: 'GA',
      stampBundles: [{ id: 'bundle-5', stamps: 5, priceCents: 300 }],
    };
    await inWork(central.storage, central.clock, (work) => saveFacility(work, facility));
    return central.resident({ facilityId: facility.id, state: 'GA' });
  }

  async function twoAgencies() {
    const florida = await central.resident();
    const georgian = await georgia();
    const customer = await new TestCustomer(central.baseUrl).register(florida);
    const linked = await customer.call('POST', '/v1/customer/residents', { residentId: georgian });
    expect(linked.status).toBe(204);
    const fl = await customer.buyStamps(await central.cardToken(), florida, 'bundle-20');
    expect(fl).toMatchObject({ status: 201, body: { agency: 'FL', stampBalance: 20 } });
    const ga = await customer.buyStamps(await central.cardToken(), georgian, 'bundle-5');
    expect(ga).toMatchObject({
      status: 201,
      body: { agency: 'GA', stampBalance: 5, priceCents: 300 },
    });
    return {
      florida,
      georgian,
      customer,
      gaPurchase: (ga.body as { purchaseId: string }).purchaseId,
    };
  }

  const account = async (customer: TestCustomer) =>
    CustomerAccountResponseSchema.parse((await customer.call('GET', '/v1/customer/account')).body);

  const mail = (customer: TestCustomer, residentId: string) =>
    customer.call('POST', '/v1/customer/mail', {
      messageId: crypto.randomUUID(),
      residentId,
      body: 'Thinking of you',
    });

  async function refunded(purchaseId: string): Promise<number> {
    const charge = await central.storage.get<{ id: string }>(
      'SELECT id FROM card_charges WHERE payment_key = ?',
      [purchaseId],
    );
    const payment = await central.processor!.call<{ refundedCents: number }>(
      'GET',
      `/v1/payments/${charge!.id}`,
    );
    return payment.body.refundedCents;
  }

  it('credits the agency of the purchase and spends the agency of the recipient', async () => {
    const { florida, georgian, customer } = await twoAgencies();
    expect(await account(customer)).toMatchObject({
      stamps: 25,
      stampsByAgency: [
        { agency: 'FL', stamps: 20 },
        { agency: 'GA', stamps: 5 },
      ],
    });
    const quote = await customer.call('POST', '/v1/customer/quotes', {
      residentId: georgian,
      channel: 'bank_card',
      amountCents: 1000,
    });
    expect(quote.body).toMatchObject({ agency: 'GA', agencyStamps: 5 });
    expect((await mail(customer, georgian)).status).toBe(201);
    expect((await mail(customer, florida)).status).toBe(201);
    expect((await account(customer)).stampsByAgency).toEqual([
      { agency: 'FL', stamps: 19 },
      { agency: 'GA', stamps: 4 },
    ]);
    // Florida stamps never pay for Georgia mail, however many there are.
    for (let i = 0; i < 4; i += 1) expect((await mail(customer, georgian)).status).toBe(201);
    const refused = await mail(customer, georgian);
    expect(refused).toMatchObject({
      status: 422,
      body: { error: { code: 'insufficient_stamps' } },
    });
    expect((await account(customer)).stampsByAgency).toEqual([
      { agency: 'FL', stamps: 19 },
      { agency: 'GA', stamps: 0 },
    ]);
  });

  it('refunds unused stamps of one agency to the card they came from, once', async () => {
    const { georgian, customer, gaPurchase } = await twoAgencies();
    expect((await mail(customer, georgian)).status).toBe(201);
    const refundId = crypto.randomUUID();
    const first = await customer.call('POST', '/v1/customer/stamps/refunds', {
      refundId,
      agency: 'GA',
    });
    expect(first.status).toBe(201);
    const answer = StampRefundResponseSchema.parse(first.body);
    // 4 of 5 stamps bought for $3.00: $2.40 back.
    expect(answer).toMatchObject({ agency: 'GA', stamps: 4, cents: 240 });
    expect(answer.lines).toEqual([
      expect.objectContaining({
        purchaseId: gaPurchase,
        stamps: 4,
        cents: 240,
        status: 'refunded',
      }),
    ]);
    expect(await refunded(gaPurchase)).toBe(240);
    expect((await account(customer)).stampsByAgency).toEqual([
      { agency: 'FL', stamps: 20 },
      { agency: 'GA', stamps: 0 },
    ]);

    // The same request again: the same answer, nothing more paid back.
    const again = await customer.call('POST', '/v1/customer/stamps/refunds', {
      refundId,
      agency: 'GA',
    });
    expect(again).toMatchObject({ status: 201, body: answer });
    expect(await refunded(gaPurchase)).toBe(240);
    const history = CustomerStampHistorySchema.parse(
      (await customer.call('GET', '/v1/customer/stamps/history')).body,
    ).entries;
    expect(history.filter((e) => e.kind === 'stamp_refund')).toEqual([
      expect.objectContaining({ amount: -4, reference: refundId }),
    ]);
  });

  it('keeps a refund pending through a processor outage; the sweep pays it once', async () => {
    const { customer, gaPurchase } = await twoAgencies();
    const refundId = crypto.randomUUID();
    const body = { refundId, agency: 'GA', stamps: 5 };
    await central.processor!.outage(true);
    try {
      const pending = await customer.call('POST', '/v1/customer/stamps/refunds', body);
      expect(pending.status).toBe(202);
      expect(StampRefundResponseSchema.parse(pending.body).lines).toEqual([
        expect.objectContaining({ stamps: 5, cents: 300, status: 'pending' }),
      ]);
    } finally {
      await central.processor!.outage(false);
    }
    expect((await account(customer)).stampsByAgency).toContainEqual({ agency: 'GA', stamps: 0 });
    // The service's refund sweep pays the pending line once the processor is back.
    const sweep = createRefundSweep({
      storage: central.storage,
      clock: central.clock,
      logger: pino({ level: 'silent' }),
      payments: central.payments!,
    });
    await sweep.sweep();
    const paid = await customer.call('POST', '/v1/customer/stamps/refunds', body);
    expect(paid.status).toBe(201);
    expect(StampRefundResponseSchema.parse(paid.body).lines[0]?.status).toBe('refunded');
    expect(await refunded(gaPurchase)).toBe(300);
  });

  it("refuses more than the unused stamps, another customer's refund id, bad agencies and anonymous callers", async () => {
    const { customer } = await twoAgencies();
    const refund = (who: TestCustomer, body: unknown) =>
      who.call('POST', '/v1/customer/stamps/refunds', body);
    const tooMany = await refund(customer, {
      refundId: crypto.randomUUID(),
      agency: 'GA',
      stamps: 6,
    });
    expect(tooMany).toMatchObject({
      status: 422,
      body: { error: { code: 'insufficient_stamps' } },
    });
    const none = await refund(customer, { refundId: crypto.randomUUID(), agency: 'TX' });
    expect(none).toMatchObject({ status: 422, body: { error: { code: 'insufficient_stamps' } } });
    for (const bad of [
      { refundId: crypto.randomUUID(), agency: 'G1' },
      { refundId: crypto.randomUUID(), agency: 'GAA' },
      { refundId: crypto.randomUUID(), agency: "GA' OR 1=1" },
      { refundId: 'not-a-uuid', agency: 'GA' },
      { refundId: crypto.randomUUID(), agency: 'GA', stamps: 0 },
      { refundId: crypto.randomUUID(), agency: 'GA', stamps: -5 },
    ]) {
      expect((await refund(customer, bad)).status).toBe(400);
    }
    const refundId = crypto.randomUUID();
    expect((await refund(customer, { refundId, agency: 'GA', stamps: 1 })).status).toBe(201);
    const other = await new TestCustomer(central.baseUrl).register(await central.resident());
    const stolen = await refund(other, { refundId, agency: 'GA', stamps: 1 });
    expect(stolen.status).toBe(409);
    const anonymous = await new TestCustomer(central.baseUrl).call(
      'POST',
      '/v1/customer/stamps/refunds',
      { refundId: crypto.randomUUID(), agency: 'GA' },
    );
    expect(anonymous.status).toBe(401);
    expect((await account(customer)).stampsByAgency).toContainEqual({ agency: 'GA', stamps: 4 });
  });
});
