import { randomUUID } from 'node:crypto';
import { assessCard, depositChannelsFor, depositFee } from '../../../domain/fees';
import type { Locale } from '../../../domain/types';
import type { CardResult, CashOutcome, DepositQuote, DepositReceipt } from '../../contract';
import type { CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import type { MutationArgs } from '../../../sync/protocol';
import { enqueueMutation } from '../store';
import type { DepositRow } from '../store/repositories/account';
import { residentBlocks } from './account';
import { audit } from './audit';
import { chargeKioskCard } from './card-charge';
import { closeCashSession } from './cash-journal';
import { requireCardRead, requirePaidCash } from './device';
import { requireService } from './facility';
import { paidWith, printReceipt } from './receipts';

/**
 * Lobby customers have no account on the kiosk: blocks are judged on the resident alone.
 * (A customer's own card block is enforced by the central service when the deposit syncs.)
 */
const WALK_IN_CUSTOMER = 'lobby-walk-in';

function requireResident(context: CallContext, residentId: string) {
  const resident = context.core.store.residents.byId(residentId);
  if (!resident) throw new ServiceError('not_found', 'no such resident', { field: 'residentId' });
  return resident;
}

const CARD_WARNINGS = {
  credit_cash_advance_fee: 'credit_cash_advance',
  prepaid_may_decline: 'prepaid_may_decline',
} as const;

/**
 * A lobby deposit as the protocol's `deposit.create`. Card: the captured charge's id only (no
 * card data at all). Cash: the amount and the fee the kiosk printed, and the cash session as one
 * bill of amount plus fee carrying the session id, which keeps the credit idempotent per session.
 */
function depositMutation(row: DepositRow, chargeId: string | null): MutationArgs<'deposit.create'> {
  const common = { depositId: row.id, residentId: row.residentId, amountCents: row.amountCents };
  if (row.channel === 'kiosk_card') {
    return {
      ...common,
      channel: 'kiosk_card',
      chargeId: chargeId ?? '',
      expectedFeeCents: row.feeCents,
    };
  }
  return {
    ...common,
    channel: 'kiosk_cash',
    feeCents: row.feeCents,
    bills: [{ billId: row.cashSessionId ?? '', cents: row.amountCents + row.feeCents }],
  };
}

/** The fee, the block decision and the card warning for one deposit. */
function quote(
  context: CallContext,
  residentId: string,
  channel: 'kiosk_card' | 'kiosk_cash',
  amountCents: number,
  card: CardResult | undefined,
): DepositQuote {
  const facility = requireService(context, 'money');
  requireResident(context, residentId);
  const fee = depositFee(facility, channel, amountCents);
  if (!fee.ok) {
    const { code, message, ...facts } = fee.error;
    const details = Object.fromEntries(
      Object.entries(facts).filter(([, value]) => typeof value !== 'object'),
    ) as Record<string, string | number>;
    throw new ServiceError('invalid_input', message, {
      field: 'amountCents',
      reason: code,
      ...details,
    });
  }
  let cardWarning: DepositQuote['cardWarning'] = null;
  if (card) {
    const assessed = assessCard(card);
    if (!assessed.ok)
      throw new ServiceError('invalid_input', assessed.error.message, { field: 'card' });
    cardWarning = assessed.value.warning && CARD_WARNINGS[assessed.value.warning];
  }
  const { decision } = residentBlocks(context, residentId, WALK_IN_CUSTOMER);
  const open = depositChannelsFor(facility, amountCents);
  const allowed = decision.allowedChannels.includes(channel);
  return {
    amountCents,
    feeCents: fee.value.feeCents,
    totalCents: fee.value.totalCents,
    allowed,
    blockReasons: decision.reasons.map((reason) => reason.code),
    stillPossible: decision.allowedChannels.filter((candidate) => open.includes(candidate)),
    cardWarning,
  };
}

export const lobbyHandlers = {
  'lobby.findResident'(context, input) {
    const facility = requireService(context, 'money');
    const resident = context.core.store.residents.byDocNumber(
      input.state,
      input.docNumber.toUpperCase(),
    );
    if (!resident)
      throw new ServiceError('not_found', 'no resident with this state and DOC number');
    return {
      resident: {
        residentId: resident.id,
        firstName: resident.firstName,
        lastName: resident.lastName,
        docNumber: resident.docNumber,
        state: resident.state,
        facilityName: facility.name,
      },
    };
  },

  'lobby.quoteDeposit': (context, input) =>
    quote(context, input.residentId, input.channel, input.amountCents, input.card),

  async 'lobby.deposit'(context, input) {
    const { payment } = input;
    const channel = payment.kind === 'card' ? ('kiosk_card' as const) : ('kiosk_cash' as const);
    const card = payment.kind === 'card' ? requireCardRead(context, payment.card) : undefined;
    const quoted = quote(context, input.residentId, channel, input.amountCents, card);
    if (!quoted.allowed) {
      throw new ServiceError('blocked', 'this resident cannot receive this kind of deposit now', {
        reasons: quoted.blockReasons.join(','),
        stillPossible: quoted.stillPossible.join(','),
      });
    }
    const depositId = randomUUID();
    // Charged (captured) before anything is booked: a decline or no network leaves nothing behind.
    const chargeId = card
      ? await chargeKioskCard(context, {
          paymentId: depositId,
          residentId: input.residentId,
          amountCents: quoted.totalCents,
          token: card.token,
        })
      : null;
    const cash =
      payment.kind === 'cash'
        ? finishedCash(requirePaidCash(context, payment.cashSessionId, quoted.totalCents), quoted)
        : null;
    return recordDeposit(context, {
      id: depositId,
      residentId: input.residentId,
      // No change is given: cash beyond the total is credited too, and printed as such.
      amountCents: quoted.amountCents + (cash?.creditedCents ?? 0),
      feeCents: quoted.feeCents,
      card: card ?? null,
      chargeId,
      cashSessionId: payment.kind === 'cash' ? payment.cashSessionId : null,
      cash,
      depositorName: input.depositorName,
      locale: input.locale,
    });
  },
} satisfies Partial<Handlers>;

function finishedCash(session: { insertedCents: number }, quoted: DepositQuote): CashOutcome {
  return {
    insertedCents: session.insertedCents,
    creditedCents: session.insertedCents - quoted.totalCents,
    ended: 'finished',
  };
}

/** A deposit as the kiosk books, queues and prints it (paid by card, or by the bills it names). */
export interface KioskDeposit {
  id: string;
  residentId: string;
  /** What the resident receives (with cash, every cent above the fee). */
  amountCents: number;
  feeCents: number;
  card: CardResult | null;
  chargeId: string | null;
  cashSessionId: string | null;
  cash: CashOutcome | null;
  /** Who paid (at a housing-unit kiosk, the resident, whose own cash it was). */
  depositorName: string;
  locale: Locale;
}

/**
 * Books a paid deposit in one local transaction (row, queued mutation, audit), marks the card
 * read used, and prints the receipt: used by lobby.deposit and by cash settled without a finish.
 */
export async function recordDeposit(
  context: CallContext,
  deposit: KioskDeposit,
): Promise<DepositReceipt> {
  const { store } = context.core;
  const { card, chargeId, cash, locale, ...fields } = deposit;
  const channel = card ? ('kiosk_card' as const) : ('kiosk_cash' as const);
  const row = store.transaction(() => {
    if (fields.cashSessionId && store.account.cashSessionUsed(fields.cashSessionId)) {
      throw new ServiceError('conflict', 'this cash session already paid for something');
    }
    const added = {
      ...fields,
      channel,
      cardBrand: card?.brand ?? null,
      cardLast4: card?.last4 ?? null,
      cardExpiry: card?.expiry ?? null,
      cardFunding: card?.funding ?? null,
      cardToken: card?.token ?? null,
      status: 'pending' as const,
      createdAt: context.now,
    };
    store.account.addDeposit(added);
    if (card) context.core.cardReads.take(card.token);
    enqueueMutation(store, 'deposit.create', depositMutation(added, chargeId), context.now);
    if (added.cashSessionId) closeCashSession(context, added.cashSessionId, added.residentId);
    audit(context, 'deposit', added.id, {
      residentId: added.residentId,
      channel,
      amountCents: added.amountCents,
      feeCents: added.feeCents,
      ...(cash && { cashEnded: cash.ended }),
    });
    return added;
  });
  if (row.cashSessionId) context.core.cashPurposes.take(row.cashSessionId);
  const resident = store.residents.byId(row.residentId)!; // the caller found the resident
  const totalCents = row.amountCents + row.feeCents;
  const receipt = await printReceipt(context, locale, {
    kind: 'deposit',
    depositId: row.id,
    residentName: `${resident.firstName} ${resident.lastName}`,
    depositorName: row.depositorName,
    docNumber: resident.docNumber,
    amountCents: row.amountCents,
    feeCents: row.feeCents,
    totalCents,
    payment: paidWith(card),
    cash: cash ?? undefined,
  });
  return {
    depositId: row.id,
    residentId: row.residentId,
    amountCents: row.amountCents,
    feeCents: row.feeCents,
    totalCents,
    channel,
    status: row.status,
    at: row.createdAt,
    receipt,
    cash,
  };
}
