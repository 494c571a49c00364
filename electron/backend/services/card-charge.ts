import type { CallContext } from '../context';
import { ServiceError } from '../errors';

/**
 * Charges a card read on this kiosk through the central service before anything is booked
 * locally; the charge id it returns is what the queued mutation claims. Without a sync client
 * (or without the network) a card cannot be paid with: nothing is charged or recorded.
 */
export async function chargeKioskCard(
  context: CallContext,
  payment: { paymentId: string; residentId: string; amountCents: number; token: string },
): Promise<string> {
  const sync = context.core.sync;
  if (!sync) throw needsNetwork();
  const outcome = await sync.chargeCard(payment);
  if (outcome.ok) return outcome.chargeId;
  switch (outcome.reason) {
    case 'needs_network':
      throw needsNetwork();
    case 'declined':
      throw new ServiceError('card_declined', 'the card was declined', {
        declineCode: outcome.declineCode,
      });
    case 'processor_unavailable':
      throw new ServiceError('processor_unavailable', 'the card processor cannot be reached now');
    case 'card_not_usable':
      throw new ServiceError('card_declined', 'the processor does not know this card', {
        declineCode: 'card_not_usable',
      });
    case 'blocked':
      throw new ServiceError('blocked', 'this card or resident is blocked from card payments');
  }
}

const needsNetwork = () =>
  new ServiceError('card_needs_network', 'card payments need the network; pay in cash or later');
