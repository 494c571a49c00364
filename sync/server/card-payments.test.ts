import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Cards go through the processor simulator (its own process, over HTTP) behind the payments
 * port: money is booked only after capture, declines and outages book nothing, a retried key
 * charges once, and disputes arrive as signed webhooks that become chargeback blocks.
 */

type ErrorAnswer = { error: { code: string; declineCode?: string } };

async function counts(central: TestCentral) {
  const row = await central.storage.get<{ d: number; l: number; c: number }>(
    `SELECT (SELECT COUNT(*) FROM deposits) AS d, (SELECT COUNT(*) FROM ledger) AS l,
       (SELECT COUNT(*) FROM card_charges) AS c`,
  );
  return { deposits: Number(row?.d), ledger: Number(row?.l), charges: Number(row?.c) };
}

async function cents(central: TestCentral, residentId: string): Promise<number> {
  const row = await central.storage.get<{ cents: number }>(
    "SELECT cents FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
    [residentId],
  );
  return Number(row?.cents ?? 0);
}

function deposit(residentId: string, token: string, amountCents = 5000) {
  return {
    channel: 'bank_card',
    depositId: crypto.randomUUID(),
    residentId,
    amountCents,
    card: { token },
    expectedFeeCents: 495,
  };
}

/** A webhook body signed like the processor signs (or with another secret, to forge one). */
function signed(secret: string, body: string, at = Math.floor(Date.now() / 1000)) {
  const digest = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return `t=${at},v1=${digest}`;
}

describe.each(STORAGE_KINDS)('card payments through the processor on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  it('credits a card deposit once, after capture, for amount plus fee', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const body = deposit(residentId, await central.cardToken());
    const first = await customer.call<{ feeCents: number }>('POST', '/v1/customer/deposits', body);
    expect(first.status).toBe(201);
    expect(await customer.call('POST', '/v1/customer/deposits', body)).toEqual(first);
    expect(await cents(central, residentId)).toBe(5000);
    const charge = await central.storage.get<{ id: string; amount_cents: number }>(
      'SELECT id, amount_cents FROM card_charges',
    );
    expect(Number(charge?.amount_cents)).toBe(5495);
    const atProcessor = await central.processor!.call<{ status: string; capturedCents: number }>(
      'GET',
      `/v1/payments/${charge!.id}`,
    );
    expect(atProcessor.body).toMatchObject({ status: 'captured', capturedCents: 5495 });
    expect((await counts(central)).charges).toBe(1);
  });

  it('answers declines, bad tokens and an outage with typed errors and books nothing', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const cases: [string, number, string, string | undefined][] = [
      ['declined', 402, 'card_declined', 'card_declined'],
      ['insufficientFunds', 402, 'card_declined', 'insufficient_funds'],
      ['processingError', 503, 'processor_unavailable', undefined],
    ];
    for (const [card, status, code, declineCode] of cases) {
      const answer = await customer.call<ErrorAnswer>(
        'POST',
        '/v1/customer/deposits',
        deposit(residentId, await central.cardToken(card)),
      );
      expect(answer.status).toBe(status);
      expect(answer.body.error.code).toBe(code);
      expect(answer.body.error.declineCode).toBe(declineCode);
    }
    const invented = await customer.call<ErrorAnswer>(
      'POST',
      '/v1/customer/deposits',
      deposit(residentId, 'tok_invented_by_the_caller'),
    );
    expect(invented.status).toBe(422);
    expect(invented.body.error.code).toBe('card_token_invalid');

    const token = await central.cardToken();
    const body = deposit(residentId, token);
    await central.processor!.outage(true);
    try {
      const down = await customer.call<ErrorAnswer>('POST', '/v1/customer/deposits', body);
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('processor_unavailable');
    } finally {
      await central.processor!.outage(false);
    }
    expect(await counts(central)).toEqual({ deposits: 0, ledger: 0, charges: 0 });
    // The same key after the outage: charged and booked once.
    expect((await customer.call('POST', '/v1/customer/deposits', body)).status).toBe(201);
    expect(await cents(central, residentId)).toBe(5000);
  });

  it('refuses over the maximum or with a changed fee before touching the card', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const token = await central.cardToken();
    const tooMuch = await customer.call<ErrorAnswer>(
      'POST',
      '/v1/customer/deposits',
      deposit(residentId, token, 30_001),
    );
    expect(tooMuch.body.error.code).toBe('amount_out_of_range');
    const staleFee = await customer.call<ErrorAnswer>('POST', '/v1/customer/deposits', {
      ...deposit(residentId, token),
      expectedFeeCents: 100,
    });
    expect(staleFee.body.error.code).toBe('fee_changed');
    // The token was never used: it still pays.
    const paid = await customer.call('POST', '/v1/customer/deposits', deposit(residentId, token));
    expect(paid.status).toBe(201);
  });

  it('quotes the fee, total, card warning and block explanation; a deposit must carry the fee', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const quote = (body: object) =>
      customer.call<Record<string, unknown>>('POST', '/v1/customer/quotes', {
        residentId,
        channel: 'bank_card',
        ...body,
      });
    expect((await quote({ amountCents: 15_000 })).body).toEqual({
      amountCents: 15_000,
      feeCents: 695 + 225,
      totalCents: 15_920,
      allowed: true,
      blockReasons: [],
      stillPossible: ['bank_card', 'money_order', 'moneygram', 'kiosk_cash', 'kiosk_card'],
      cardWarning: null,
      agency: 'FL',
      agencyStamps: 0,
      credited: 'on_capture',
    });
    const credit = await quote({ amountCents: 5000, card: { token: await central.cardToken() } });
    expect(credit.body.cardWarning).toBe('credit_cash_advance_fee');
    const prepaid = await quote({
      amountCents: 5000,
      card: { token: await central.cardToken('mastercardPrepaid') },
    });
    expect(prepaid.body.cardWarning).toBe('prepaid_may_decline');
    expect((await quote({ amountCents: 30_001 })).body).toMatchObject({
      error: { code: 'amount_out_of_range' },
    });
    // Another customer's resident: refused, nothing told.
    const stranger = await new TestCustomer(central.baseUrl).register(await central.resident());
    const foreign = await stranger.call('POST', '/v1/customer/quotes', {
      residentId,
      channel: 'bank_card',
      amountCents: 5000,
    });
    expect(foreign.status).toBe(403);
    const { expectedFeeCents: _dropped, ...unquoted } = deposit(residentId, 'tok_whatever0');
    expect((await customer.call('POST', '/v1/customer/deposits', unquoted)).status).toBe(400);
  });

  it('turns a signed dispute into a chargeback with its blocks, once', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const body = deposit(residentId, await central.cardToken());
    expect((await customer.call('POST', '/v1/customer/deposits', body)).status).toBe(201);
    const charge = await central.storage.get<{ id: string }>('SELECT id FROM card_charges');
    const disputed = await central.processor!.dispute(charge!.id);
    expect(disputed.body.deliveries.map((d) => d.status)).toContain(200);
    const chargeback = await central.storage.get<Record<string, unknown>>(
      'SELECT * FROM chargebacks',
    );
    expect(chargeback).toMatchObject({
      id: disputed.body.dispute.id,
      deposit_id: body.depositId,
      kind: 'bank_card',
      customer_id: customer.customerId,
    });
    // The customer's card payments are now blocked; nothing is charged for the refusal.
    const blocked = await customer.call<ErrorAnswer>(
      'POST',
      '/v1/customer/deposits',
      deposit(residentId, await central.cardToken()),
    );
    expect(blocked.body.error.code).toBe('blocked');
    expect((await counts(central)).charges).toBe(1);
  });

  it('refuses forged, stale and replayed webhooks', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const body = deposit(residentId, await central.cardToken());
    await customer.call('POST', '/v1/customer/deposits', body);
    const charge = await central.storage.get<{ id: string }>('SELECT id FROM card_charges');
    const at = Math.floor(Date.now() / 1000);
    const event = (id: string, created = at) =>
      JSON.stringify({
        id,
        type: 'dispute.created',
        created,
        data: {
          dispute: { id: `dp_${id}`, paymentId: charge!.id, amountCents: 5000, reason: 'fraud' },
        },
      });
    const send = (text: string, signature: string) =>
      fetch(`${central.baseUrl}/v1/processor/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'processor-signature': signature },
        body: text,
      });
    const secret = central.processor!.keys.webhookSecret;
    const forged = event('evt_forged');
    expect((await send(forged, signed('whsec_guessed_by_an_attacker', forged))).status).toBe(401);
    expect((await send(forged, '')).status).toBe(401);
    const stale = event('evt_stale', at - 3600);
    expect((await send(stale, signed(secret, stale, at - 3600))).status).toBe(401);
    // A genuine body with its bytes altered after signing.
    const genuine = event('evt_genuine');
    const signature = signed(secret, genuine);
    expect((await send(genuine.replace('5000', '50'), signature)).status).toBe(401);
    expect(await central.storage.all('SELECT id FROM chargebacks')).toEqual([]);
    // The genuine event twice: one chargeback.
    expect((await send(genuine, signature)).status).toBe(200);
    const again = await send(genuine, signature);
    expect(await again.json()).toMatchObject({ outcome: 'duplicate' });
    expect(await central.storage.all('SELECT id FROM chargebacks')).toHaveLength(1);
  });

  it('blocks a disputed kiosk card at every kiosk by its fingerprint', async () => {
    const residentId = await central.resident();
    const someoneElse = await central.resident();
    const lobby = await central.device('lobby');
    const other = await central.device('lobby');
    const pay = (device: typeof lobby, token: string, forResident = residentId) =>
      device.request<{ chargeId: string; error?: { code: string } }>('POST', '/v1/card-payments', {
        paymentId: crypto.randomUUID(),
        residentId: forResident,
        amountCents: 2295,
        card: { token },
      });
    const charged = await pay(lobby, await central.cardToken('mastercardApproved'));
    expect(charged.status).toBe(201);
    const pushed = await lobby.request<{ results: { outcome: unknown }[] }>('POST', '/v1/push', {
      mutations: [
        {
          id: crypto.randomUUID(),
          seq: 1,
          createdAt: new Date().toISOString(),
          name: 'deposit.create',
          args: {
            channel: 'kiosk_card',
            depositId: crypto.randomUUID(),
            residentId,
            amountCents: 2000,
            chargeId: charged.body.chargeId,
            expectedFeeCents: 295,
          },
        },
      ],
    });
    expect(pushed.body.results[0]!.outcome).toEqual({ status: 'applied' });
    await central.processor!.dispute(charged.body.chargeId);
    // Same card, new token, another kiosk, another resident: refused before any charge.
    const again = await pay(other, await central.cardToken('mastercardApproved'), someoneElse);
    expect(again.status).toBe(422);
    expect(again.body.error?.code).toBe('blocked');
    expect((await counts(central)).charges).toBe(1);
    // A tablet may not take card payments at all.
    const tablet = await central.device('tablet', 'SERIAL-1');
    expect((await pay(tablet, await central.cardToken())).status).toBe(403);
  });
});
