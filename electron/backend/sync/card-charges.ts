import { SyncError, type SyncTransport } from '../../../sync/client';
import type { CardChargeOutcome, CardChargeRequest } from '../ports';

/**
 * `POST /v1/card-payments` through the signed transport, its failures sorted into what the person
 * can do: no answer (or not enrolled) means the card needs the network; a decline carries the
 * processor's reason; an outage is the processor's, not the card's. The payment id is the
 * idempotency key, so asking again after a lost answer charges nothing more.
 */
export async function chargeCardAtCentral(
  transport: SyncTransport,
  request: CardChargeRequest,
): Promise<CardChargeOutcome> {
  try {
    const { chargeId } = await transport.chargeCard({
      paymentId: request.paymentId,
      residentId: request.residentId,
      amountCents: request.amountCents,
      card: { token: request.token },
    });
    return { ok: true, chargeId };
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    switch (error.refusal?.code) {
      case undefined: // not a refusal: a transport or enrolment problem, sorted out below
        break;
      case 'card_declined':
        return {
          ok: false,
          reason: 'declined',
          declineCode: error.refusal.declineCode ?? 'declined',
        };
      case 'card_token_invalid':
        return { ok: false, reason: 'card_not_usable' };
      case 'blocked':
        return { ok: false, reason: 'blocked' };
      case 'processor_unavailable':
        return { ok: false, reason: 'processor_unavailable' };
    }
    if (error.problem === 'offline' || error.problem === 'not_enrolled')
      return { ok: false, reason: 'needs_network' };
    if (error.transient) return { ok: false, reason: 'processor_unavailable' };
    throw error;
  }
}
