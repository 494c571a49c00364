import { describe, expect, it } from 'vitest';
import type { PaymentsPort } from './money/payments';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * A card captured for a booking that is refused after all (a chargeback opened on the resident
 * between the dry run and the booking) is refunded, and only once, when the same deposit is sent
 * twice at once: both requests may reach the processor and both may see the booking refused,
 * yet the refund is keyed by the deposit (`<key>:unbooked`), so the processor pays one.
 */
describe.each(STORAGE_KINDS)('refund of a refused booking on %s', (kind) => {
  let central: TestCentral;
  /**
   * Set by the test: runs once, right after the next capture, and every capture until it is
   * done waits for it (so each racing request books after the block, whichever comes first).
   */
  let afterCapture: (() => Promise<void>) | null = null;
  let hookRun: Promise<void> | null = null;
  const refunds: string[] = [];
  const captured: string[] = [];
  const aroundPayments = (port: PaymentsPort): PaymentsPort => ({
    ...port,
    async charge(input) {
      const charged = await port.charge(input);
      if (charged.ok) captured.push(charged.charge.chargeId);
      if (afterCapture) {
        hookRun ??= afterCapture();
        await hookRun;
      }
      return charged;
    },
    async refund(input) {
      const refunded = await port.refund(input);
      if (refunded.ok) refunds.push(refunded.refundId);
      return refunded;
    },
  });
  eachTestCentral(kind, (started) => (central = started), { processor: true, aroundPayments });

  it('refunds the charge once when two requests for one deposit race past a new block', async () => {
    refunds.length = 0;
    captured.length = 0;
    afterCapture = null;
    hookRun = null;
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const deposit = (token: string) => ({
      channel: 'bank_card',
      depositId: crypto.randomUUID(),
      residentId,
      amountCents: 5000,
      card: { token },
      expectedFeeCents: 495,
    });
    const earlier = deposit(await central.cardToken());
    expect((await customer.call('POST', '/v1/customer/deposits', earlier)).status).toBe(201);
    // between the dry run and the booking, the earlier deposit is charged back: the resident is
    // blocked from card deposits, so the booking of the captured charge is refused
    afterCapture = async () => {
      const answer = await central.admin('POST', '/v1/admin/chargebacks', {
        chargebackId: crypto.randomUUID(),
        depositId: earlier.depositId,
        kind: 'bank_card',
        amountCents: 5000,
      });
      expect(answer.status).toBe(201);
    };
    const raced = deposit(await central.cardToken());
    const answers = await Promise.all([
      customer.call<{ error?: { code: string } }>('POST', '/v1/customer/deposits', raced),
      customer.call<{ error?: { code: string } }>('POST', '/v1/customer/deposits', raced),
    ]);
    expect(answers.map((answer) => [answer.status, answer.body.error?.code])).toEqual([
      [422, 'blocked'],
      [422, 'blocked'],
    ]);
    expect(hookRun).not.toBeNull();

    // one charge (the processor keyed it by the deposit), refunded whole by one refund
    const [earlierCharge, ...racedCharges] = captured;
    expect(new Set(racedCharges).size).toBe(1);
    expect(racedCharges[0]).not.toBe(earlierCharge);
    expect(new Set(refunds).size).toBe(1);
    const atProcessor = await central.processor!.call<{
      capturedCents: number;
      refundedCents: number;
    }>('GET', `/v1/payments/${racedCharges[0]}`);
    expect(atProcessor.body).toMatchObject({ capturedCents: 5495, refundedCents: 5495 });
    const rows = await central.storage.all<{ id: string }>('SELECT id FROM deposits WHERE id = ?', [
      raced.depositId,
    ]);
    expect(rows).toEqual([]);
  });
});
