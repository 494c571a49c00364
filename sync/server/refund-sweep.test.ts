import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { PushResponse } from '../protocol';
import { createRefundSweep, REFUND_GRACE_MS } from './money/refund-sweep';
import type { TestCentral } from './testing/central';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { chargeAtKiosk, stampPurchase } from './testing/kiosk-card';
import { STORAGE_KINDS } from './testing/storages';

/**
 * The refund sweep on both engines, against the processor simulator: a kiosk card charge whose
 * purchase never arrives is refunded after the grace period, exactly once, across outages,
 * repeated and concurrent sweeps; a late purchase can no longer claim it; booked charges stay.
 */

describe.each(STORAGE_KINDS)('the refund sweep on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  /** The sweep as the service runs it, on a clock `hoursLater` ahead of the service's. */
  const sweepAt = (hoursLater: number) =>
    createRefundSweep({
      storage: central.storage,
      clock: () => new Date(central.clock().getTime() + hoursLater * 3_600_000),
      logger: pino({ level: 'silent' }),
      payments: central.payments!,
    });
  const dayAndAnHour = REFUND_GRACE_MS / 3_600_000 + 1;

  const kioskCharge = async (kiosk: TestDevice, residentId: string) =>
    (await chargeAtKiosk(central, kiosk, residentId)).chargeId;

  let seq = 0;
  async function buyWith(kiosk: TestDevice, residentId: string, chargeId: string) {
    seq += 1;
    const answer = await kiosk.request<PushResponse>('POST', '/v1/push', {
      mutations: [stampPurchase(seq, residentId, { kind: 'kiosk_card', chargeId })],
    });
    return answer.body.results[0]!.outcome;
  }

  const processorRefunded = async (chargeId: string) =>
    (await central.processor!.call<{ refundedCents: number }>('GET', `/v1/payments/${chargeId}`))
      .body.refundedCents;
  const status = async (chargeId: string) =>
    (
      await central.storage.get<{ status: string }>(
        'SELECT status FROM card_charges WHERE id = ?',
        [chargeId],
      )
    )?.status;

  it('refunds an unclaimed charge after the grace period, once, and a late purchase cannot claim it', async () => {
    seq = 0;
    const residentId = await central.resident();
    const kiosk = await central.device();
    const lost = await kioskCharge(kiosk, residentId);
    const booked = await kioskCharge(kiosk, residentId);
    expect(await buyWith(kiosk, residentId, booked)).toEqual({ status: 'applied' });

    expect(await sweepAt(1).sweep()).toEqual({ refunded: [], waiting: [], failed: [] });
    expect(await processorRefunded(lost)).toBe(0);

    const later = sweepAt(dayAndAnHour);
    const [first, second] = await Promise.all([later.sweep(), sweepAt(dayAndAnHour).sweep()]);
    expect([...first.refunded, ...second.refunded]).toContain(lost);
    expect(await later.sweep()).toEqual({ refunded: [], waiting: [], failed: [] });
    expect(await processorRefunded(lost)).toBe(200);
    expect(await status(lost)).toBe('refunded');
    // The booked charge is the resident's purchase: never touched.
    expect(await processorRefunded(booked)).toBe(0);
    expect(await status(booked)).toBe('booked');

    expect(await buyWith(kiosk, residentId, lost)).toMatchObject({
      status: 'rejected',
      code: 'payment_required',
    });
  });

  it('keeps a charge to refund through a processor outage and refunds it once afterwards', async () => {
    seq = 0;
    const residentId = await central.resident();
    const kiosk = await central.device();
    const lost = await kioskCharge(kiosk, residentId);
    const sweep = sweepAt(dayAndAnHour);
    await central.processor!.outage(true);
    try {
      expect(await sweep.sweep()).toEqual({ refunded: [], waiting: [lost], failed: [] });
    } finally {
      await central.processor!.outage(false);
    }
    // Claimed for the refund already: the late purchase is refused even before it is paid back.
    expect(await buyWith(kiosk, residentId, lost)).toMatchObject({ code: 'payment_required' });
    expect(await sweep.sweep()).toEqual({ refunded: [lost], waiting: [], failed: [] });
    expect(await sweep.sweep()).toEqual({ refunded: [], waiting: [], failed: [] });
    expect(await processorRefunded(lost)).toBe(200);
    await sweep.stop();
  });
});
