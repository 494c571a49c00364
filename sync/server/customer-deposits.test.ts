import { describe, expect, it } from 'vitest';
import { CustomerDepositsSchema } from '../protocol';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * "Pending until it arrives", on both engines: a customer never declares a money order; the
 * quote says a mailed one is credited when it arrives and finance enters it, and the customer's
 * deposit list shows it only from then on (a card deposit as soon as it was captured, a
 * chargeback on it as such). Nobody sees another customer's deposits.
 */
describe.each(STORAGE_KINDS)("a customer's deposits on %s", (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  it('lists a mailed money order only once finance entered it; the quote says so', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const list = async (who = customer) => {
      const answer = await who.call('GET', '/v1/customer/deposits');
      expect(answer.status).toBe(200);
      return CustomerDepositsSchema.parse(answer.body).deposits;
    };
    const quote = async (channel: string) =>
      (
        await customer.call<{ credited: string }>('POST', '/v1/customer/quotes', {
          residentId,
          channel,
          amountCents: 4000,
        })
      ).body.credited;
    expect(await quote('money_order')).toBe('when_entered_on_arrival');
    expect(await quote('moneygram')).toBe('when_entered_on_arrival');
    expect(await quote('bank_card')).toBe('on_capture');

    const card = {
      channel: 'bank_card',
      depositId: crypto.randomUUID(),
      residentId,
      amountCents: 5000,
      card: { token: await central.cardToken() },
      expectedFeeCents: 495,
    };
    expect((await customer.call('POST', '/v1/customer/deposits', card)).status).toBe(201);
    // the money order is in the mail: nothing credited, nothing listed for it
    expect(await list()).toMatchObject([
      { depositId: card.depositId, channel: 'bank_card', amountCents: 5000, state: 'credited' },
    ]);

    const finance = await central.staff([{ role: 'finance', facilityId: central.facility.id }]);
    const moneyOrder = {
      depositId: crypto.randomUUID(),
      residentId,
      channel: 'money_order',
      amountCents: 4000,
      reference: 'MO-99887766',
      customerId: customer.customerId,
    };
    expect((await finance.call('POST', '/v1/staff/deposits', moneyOrder)).status).toBe(201);
    expect((await list()).map((d) => [d.depositId, d.channel, d.state])).toEqual(
      expect.arrayContaining([
        [moneyOrder.depositId, 'money_order', 'credited'],
        [card.depositId, 'bank_card', 'credited'],
      ]),
    );
    expect(await list()).toHaveLength(2);

    // a chargeback on the card deposit shows as such
    expect(
      (
        await central.admin('POST', '/v1/admin/chargebacks', {
          chargebackId: crypto.randomUUID(),
          depositId: card.depositId,
          kind: 'bank_card',
          amountCents: 5000,
        })
      ).status,
    ).toBe(201);
    expect((await list()).find((d) => d.depositId === card.depositId)?.state).toBe('charged_back');

    // another customer of the same resident sees none of them; nobody signed in, nothing
    const other = await new TestCustomer(central.baseUrl).register(residentId);
    expect(await list(other)).toEqual([]);
    expect(
      (await new TestCustomer(central.baseUrl).call('GET', '/v1/customer/deposits')).status,
    ).toBe(401);
  });
});
