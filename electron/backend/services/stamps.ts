import { randomUUID } from 'node:crypto';
import { assessCard } from '../../../domain/fees';
import {
  activePromotions,
  bundlePrice,
  bundlePrices,
  type BundleQuote,
} from '../../../domain/promotions';
import type { Locale } from '../../../domain/types';
import type { CardResult, CashOutcome, StampPurchase } from '../../contract';
import { availableBalance } from '../../../domain/stamps';
import type { KioskPayment } from '../../../sync/protocol';
import type { CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import { enqueueMutation } from '../store';
import { closeCashSession } from './cash-journal';
import type { StampPurchaseRow } from '../store/repositories/stamps';
import { audit } from './audit';
import { residentId } from './auth';
import { chargeKioskCard } from './card-charge';
import { requireCardRead, requirePaidCash } from './device';
import { requireFacility } from './facility';
import { paidWith, printReceipt } from './receipts';
import { decodeCursor, keysetPage } from './cursor';
import { ownMessage } from './mail';
import { priceMessage, requireContact } from './stamp-pricing';

/**
 * How a kiosk purchase was paid, in the protocol's terms: the ended cash session as one bill of
 * what was inserted, or the captured card charge; absent when paid from the account.
 */
function kioskPayment(
  row: StampPurchaseRow,
  cash: CashOutcome | null,
  chargeId: string | null,
): KioskPayment | undefined {
  if (row.paymentKind === 'cash') {
    return {
      kind: 'kiosk_cash',
      bills: [{ billId: row.cashSessionId ?? '', cents: cash?.insertedCents ?? 0 }],
    };
  }
  return chargeId === null ? undefined : { kind: 'kiosk_card', chargeId };
}

export const stampsHandlers = {
  'stamps.balance'(context) {
    const resident = residentId(context);
    const { stamps, contacts } = context.core.store;
    const confirmed = stamps.confirmed(resident);
    const reserved = stamps.reserved(resident);
    const prepaidReply = contacts
      .forResident(resident)
      .map((contact) => ({
        contactId: contact.id,
        contactName: contact.displayName,
        stamps: stamps
          .holdingsFor(resident, contact.id)
          .reduce((sum, holding) => sum + holding.available, 0),
      }))
      .filter((holding) => holding.stamps > 0);
    return {
      confirmed,
      reserved,
      available: availableBalance({ confirmed, reserved }),
      arriving: stamps.arriving(resident),
      prepaidReply,
      confirmedAt: stamps.confirmedAt(resident),
    };
  },

  'stamps.history'(context, input) {
    const before = decodeCursor(input.before);
    const page = keysetPage(
      context.core.store.stamps.history(residentId(context), input.limit + 1, before),
      input.limit,
      (row) => ({ at: row.at, id: row.id }),
    );
    return {
      entries: page.rows.map(({ id, at, kind, stamps, status, messageId }) => ({
        id,
        at,
        kind,
        stamps,
        status,
        messageId,
      })),
      nextCursor: page.nextCursor,
    };
  },

  'stamps.quote'(context, input) {
    const resident = residentId(context);
    if (input.replyToMessageId !== undefined) ownMessage(context, input.replyToMessageId);
    const contact = requireContact(context, resident, input.contactId);
    const { holdings: _holdings, ...quote } = priceMessage(context, resident, contact, input.ecard);
    return quote;
  },

  'stamps.offers'(context) {
    const facility = context.core.facility();
    if (!facility) return { bundles: [], promotions: [] };
    const prices = bundlePrices(facility, context.now);
    const running = activePromotions(facility, context.now);
    if (!prices.ok) throw new ServiceError('internal', prices.error.message);
    if (!running.ok) throw new ServiceError('internal', running.error.message);
    return {
      bundles: prices.value.map((price) => ({
        id: price.bundle.id,
        stamps: price.bundle.stamps,
        priceCents: price.listPriceCents,
        finalPriceCents: price.priceCents,
        promotionId: price.promotion?.id ?? null,
      })),
      promotions: running.value.map(({ id, kind, title, description, endsAt }) => ({
        id,
        kind,
        title,
        description,
        endsAt,
      })),
    };
  },

  /**
   * Records the purchase as pending and queues it for the central service, which charges the
   * account or card and confirms the stamps; cash must already sit in an ended cash session.
   */
  async 'stamps.purchase'(context, input) {
    const resident = residentId(context);
    const facility = requireFacility(context);
    const priced = bundlePrice(facility, input.bundleId, context.now);
    if (!priced.ok) {
      throw new ServiceError('not_found', priced.error.message, { field: 'bundleId' });
    }
    const { payment } = input;
    const { store } = context.core;
    const price = priced.value.priceCents;
    const card = payment.kind === 'card' ? requireCardRead(context, payment.card) : null;
    if (card) {
      const assessed = assessCard(card);
      if (!assessed.ok) {
        throw new ServiceError('invalid_input', assessed.error.message, { field: 'payment.card' });
      }
    }
    const purchaseId = randomUUID();
    // Charged (captured) before anything is booked: a decline or no network leaves nothing behind.
    const chargeId = card
      ? await chargeKioskCard(context, {
          paymentId: purchaseId,
          residentId: resident,
          amountCents: price,
          token: card.token,
        })
      : null;
    if (payment.kind === 'account') {
      const available = availableBalance(store.stamps.spendable(resident));
      if (available < price) {
        throw new ServiceError('insufficient_funds', 'not enough money in the account', {
          availableCents: available,
          priceCents: price,
        });
      }
    }
    const cashCents =
      payment.kind === 'cash'
        ? requirePaidCash(context, payment.cashSessionId, price).insertedCents
        : null;
    return recordPurchase(context, {
      id: purchaseId,
      residentId: resident,
      priced: priced.value,
      paymentKind: payment.kind,
      card,
      chargeId,
      cashSessionId: payment.kind === 'cash' ? payment.cashSessionId : null,
      cash:
        cashCents === null
          ? null
          : { insertedCents: cashCents, creditedCents: cashCents - price, ended: 'finished' },
      locale: input.locale,
      printReceipt: input.printReceipt,
    });
  },
} satisfies Partial<Handlers>;

/** A bundle bought at this device, as it is booked, queued and printed. */
export interface DevicePurchase {
  id: string;
  residentId: string;
  priced: BundleQuote;
  paymentKind: StampPurchaseRow['paymentKind'];
  card: CardResult | null;
  chargeId: string | null;
  cashSessionId: string | null;
  /** Paid with bills: all of them (above the price credited to the account) and how it ended. */
  cash: CashOutcome | null;
  locale: Locale;
  printReceipt: boolean;
}

/**
 * Books a paid purchase in one local transaction (row, pending history, queued mutation with the
 * whole payment, audit), tells the resident's other screens, and prints the receipt when asked:
 * used by stamps.purchase and by cash settled without a finish.
 */
export async function recordPurchase(
  context: CallContext,
  purchase: DevicePurchase,
): Promise<StampPurchase> {
  const { store } = context.core;
  const { card, priced, cash } = purchase;
  const row: StampPurchaseRow = {
    id: purchase.id,
    residentId: purchase.residentId,
    bundleId: priced.bundle.id,
    stamps: priced.bundle.stamps,
    priceCents: priced.priceCents,
    promotionId: priced.promotion?.id ?? null,
    paymentKind: purchase.paymentKind,
    cardBrand: card?.brand ?? null,
    cardLast4: card?.last4 ?? null,
    cardToken: card?.token ?? null,
    cashSessionId: purchase.cashSessionId,
    status: 'pending',
    createdAt: context.now,
  };
  store.transaction(() => {
    if (row.cashSessionId && store.account.cashSessionUsed(row.cashSessionId)) {
      throw new ServiceError('conflict', 'this cash session already paid for something');
    }
    store.stamps.addPurchase(row);
    if (card) context.core.cardReads.take(card.token);
    store.stamps.recordHistory({
      id: row.id,
      residentId: row.residentId,
      kind: 'purchase',
      stamps: row.stamps,
      status: 'pending',
      messageId: null,
      at: context.now,
    });
    // Paid at the kiosk: the cash session as one bill (credited at most once, ever), or the
    // charge the central service captured. From the account: no payment.
    enqueueMutation(
      store,
      'stamps.purchase',
      {
        purchaseId: row.id,
        residentId: row.residentId,
        bundleId: row.bundleId,
        expectedPriceCents: row.priceCents,
        payment: kioskPayment(row, cash, purchase.chargeId),
      },
      context.now,
    );
    if (row.cashSessionId) closeCashSession(context, row.cashSessionId, row.residentId);
    audit(context, 'stamps.purchase', row.id, {
      bundleId: row.bundleId,
      priceCents: row.priceCents,
      ...(cash && { cashEnded: cash.ended }),
    });
  });
  if (row.cashSessionId) context.core.cashPurposes.take(row.cashSessionId);
  context.core.tellResident(row.residentId, context.connection.id, 'stamps.changed', {});
  const buyer = store.residents.byId(row.residentId)!;
  const receipt = purchase.printReceipt
    ? await printReceipt(context, purchase.locale, {
        kind: 'stamp_purchase',
        purchaseId: row.id,
        residentName: `${buyer.firstName} ${buyer.lastName}`,
        docNumber: buyer.docNumber,
        stamps: row.stamps,
        priceCents: row.priceCents,
        payment: row.paymentKind === 'account' ? { method: 'balance' } : paidWith(card),
        cash: cash ?? undefined,
      })
    : null;
  return {
    purchaseId: row.id,
    bundleId: row.bundleId,
    stamps: row.stamps,
    priceCents: row.priceCents,
    status: row.status,
    receipt,
    cash,
  };
}
