import { availableBalance, splitStampPayment, stampCost } from '../../../domain/stamps';
import type { StampQuote } from '../../contract';
import type { CallContext } from '../context';
import { ServiceError } from '../errors';
import type { ContactRow } from '../store/repositories/contacts';
import { requireFacility } from './facility';

export interface MessagePrice extends StampQuote {
  /** Which prepaid reply holdings pay, and how much from each. */
  holdings: { holdingId: string; stamps: number }[];
}

/** The contact, if it is one of this resident's and not blocked; else `not_found`. */
export function requireContact(context: CallContext, residentId: string, contactId: string) {
  const contact = context.core.store.contacts.byId(contactId);
  if (!contact || contact.residentId !== residentId || contact.blocked) {
    throw new ServiceError('not_found', 'no such contact', { field: 'contactId' });
  }
  return contact;
}

/**
 * What a message to `contact` costs and how it would be paid: prepaid reply stamps from that
 * customer first, then the general balance (domain rules), against what is available now.
 */
export function priceMessage(
  context: CallContext,
  residentId: string,
  contact: ContactRow,
  ecard: boolean,
): MessagePrice {
  const facility = requireFacility(context);
  const cost = stampCost(facility, ecard ? { ecard: 1 } : { email: 1 });
  if (!cost.ok) throw new ServiceError('unavailable_service', cost.error.message);
  const { stamps } = context.core.store;
  const holdings = stamps.holdingsFor(residentId, contact.id).filter((h) => h.available > 0);
  const held = holdings.reduce((sum, holding) => sum + holding.available, 0);
  const split = splitStampPayment(
    facility,
    { [contact.customerId]: held },
    contact.customerId,
    cost.value.totalStamps,
  );
  if (!split.ok) throw new ServiceError('internal', split.error.message);
  const available = availableBalance({
    confirmed: stamps.confirmed(residentId),
    reserved: stamps.reserved(residentId),
  });
  let remaining = split.value.prepaidUsed;
  const allocation: MessagePrice['holdings'] = [];
  for (const holding of holdings) {
    if (remaining === 0) break;
    const take = Math.min(remaining, holding.available);
    allocation.push({ holdingId: holding.id, stamps: take });
    remaining -= take;
  }
  return {
    lines: cost.value.lines.map((line) => ({
      feature: line.feature,
      count: line.quantity,
      stamps: line.stamps,
    })),
    total: cost.value.totalStamps,
    fromPrepaid: split.value.prepaidUsed,
    fromBalance: split.value.regularNeeded,
    available,
    sufficient: split.value.regularNeeded <= available,
    holdings: allocation,
  };
}
