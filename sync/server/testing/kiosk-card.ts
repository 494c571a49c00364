import { expect } from 'vitest';
import type { TestCentral } from './central';
import type { TestDevice } from './device';

/** A kiosk's stamps.purchase mutation (bundle-5 at the sample price) paid by `payment`. */
export function stampPurchase(
  seq: number,
  residentId: string,
  payment: Record<string, unknown>,
  expectedPriceCents = 200,
) {
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

/** The kiosk charges a test card through the service (POST /v1/card-payments), as before queueing. */
export async function chargeAtKiosk(
  central: TestCentral,
  kiosk: TestDevice,
  residentId: string,
  cents = 200,
) {
  const token = await central.cardToken();
  const answer = await kiosk.request<{ chargeId: string }>('POST', '/v1/card-payments', {
    paymentId: crypto.randomUUID(),
    residentId,
    amountCents: cents,
    card: { token },
  });
  expect(answer.status).toBe(201);
  return { chargeId: answer.body.chargeId, token };
}
