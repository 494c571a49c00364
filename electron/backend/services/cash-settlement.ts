import { randomUUID } from 'node:crypto';
import { shortCashDeposit } from '../../../domain/fees';
import { bundlePrices } from '../../../domain/promotions';
import type { CashOutcome, CashSettlement } from '../../contract';
import type { HeldPurpose } from '../cash-purposes';
import { isoAt } from '../clock';
import type { BackendCore, CallContext, ConnectionState, Handlers } from '../context';
import { ServiceError } from '../errors';
import { requireDevices } from './device';
import { recordDeposit } from './lobby';
import { recordPurchase } from './stamps';

/** Why a session is settled without the person finishing it. */
export type CashEnding = Exclude<CashOutcome['ended'], 'finished'>;

/** Settlement driven by the backend itself (a timer, a closed window) has no caller. */
const NO_CALLER: ConnectionState = {
  id: 'cash-settlement',
  session: null,
  startSession: () => {
    throw new Error('cash settlement signs nobody in');
  },
  endSession: () => undefined,
};

/** The context a settlement books in: the caller's when the person cancels, else the backend's. */
export function settlementContext(core: BackendCore): CallContext {
  return { core, connection: NO_CALLER, now: isoAt(core.clock) };
}

/**
 * Ends a cash session that did not pay (cancel, walk-away, closed screen) and books what was
 * inserted for the purpose it was opened with. Inserted money is never lost: a lobby deposit of
 * what came in (the fee of the largest amount it covers; all of it when it covers none); at a
 * housing-unit kiosk the dearest bundle the cash covers with the rest credited to the resident's
 * spendable account, or, when it covers no bundle, all of it credited as the resident's own
 * deposit. A session that already paid, or had no bill, books nothing.
 */
export async function settleCash(
  context: CallContext,
  cashSessionId: string,
  ended: CashEnding,
): Promise<CashSettlement> {
  const { core } = context;
  const nothing: CashSettlement = { cashSessionId, deposit: null, purchase: null };
  const purpose = core.cashPurposes.take(cashSessionId);
  const devices = requireDevices(core);
  const open = devices.cashSession(cashSessionId);
  if (open && open.state !== 'ended') await devices.endCash(cashSessionId);
  core.payments.endCash(cashSessionId);
  // the journal's count, read after the acceptor stopped: a bill stacked at the last moment counts
  const insertedCents = devices.cashSession(cashSessionId)?.insertedCents ?? 0;
  if (!purpose || insertedCents === 0 || core.store.account.cashSessionUsed(cashSessionId)) {
    core.cashPurposes.discard(cashSessionId);
    return nothing;
  }
  core.logger.info({ cashSessionId, insertedCents, ended }, 'cash settled without a finish');
  return purpose.kind === 'deposit'
    ? {
        ...nothing,
        deposit: await settleDeposit(context, purpose, cashSessionId, insertedCents, ended),
      }
    : await settleStamps(context, purpose, cashSessionId, insertedCents, ended);
}

function facilityOf(context: CallContext) {
  const facility = context.core.facility();
  if (!facility) throw new ServiceError('internal', 'cash settled before the facility is known');
  return facility;
}

async function settleDeposit(
  context: CallContext,
  purpose: Extract<HeldPurpose, { kind: 'deposit' }>,
  cashSessionId: string,
  insertedCents: number,
  ended: CashEnding,
) {
  const { amountCents, feeCents } = shortCashDeposit(facilityOf(context), insertedCents);
  return recordDeposit(context, {
    id: randomUUID(),
    residentId: purpose.residentId,
    amountCents,
    feeCents,
    card: null,
    chargeId: null,
    cashSessionId,
    cash: { insertedCents, creditedCents: 0, ended },
    depositorName: purpose.depositorName,
    locale: purpose.locale,
  });
}

async function settleStamps(
  context: CallContext,
  purpose: Extract<HeldPurpose, { kind: 'stamps' }>,
  cashSessionId: string,
  insertedCents: number,
  ended: CashEnding,
): Promise<CashSettlement> {
  const facility = facilityOf(context);
  const prices = bundlePrices(facility, context.now);
  const covered = (prices.ok ? prices.value : [])
    .filter((price) => price.priceCents <= insertedCents)
    .sort((a, b) => b.priceCents - a.priceCents || b.bundle.stamps - a.bundle.stamps);
  // The bundle chosen when it is covered (the person may have overpaid it), else the dearest.
  const bought = covered.find((price) => price.bundle.id === purpose.bundleId) ?? covered[0];
  if (bought) {
    const purchase = await recordPurchase(context, {
      id: randomUUID(),
      residentId: purpose.residentId,
      priced: bought,
      paymentKind: 'cash',
      card: null,
      chargeId: null,
      cashSessionId,
      cash: { insertedCents, creditedCents: insertedCents - bought.priceCents, ended },
      locale: purpose.locale,
      printReceipt: true,
    });
    return { cashSessionId, deposit: null, purchase };
  }
  const resident = context.core.store.residents.byId(purpose.residentId);
  if (!resident) throw new ServiceError('not_found', 'the buyer is no longer on this device');
  const deposit = await recordDeposit(context, {
    id: randomUUID(),
    residentId: purpose.residentId,
    amountCents: insertedCents,
    feeCents: 0,
    card: null,
    chargeId: null,
    cashSessionId,
    cash: { insertedCents, creditedCents: insertedCents, ended },
    depositorName: `${resident.firstName} ${resident.lastName}`,
    locale: purpose.locale,
  });
  return { cashSessionId, deposit, purchase: null };
}

export const cashSettlementHandlers = {
  /** The person cancels: what was inserted is booked for the session's purpose. */
  'payment.cashCancel'(context, input) {
    const owner = context.core.payments.cashOwner(input.cashSessionId);
    if (owner !== undefined && owner !== context.connection.id)
      throw new ServiceError('forbidden', 'only the screen that opened a cash session ends it');
    return settleCash(context, input.cashSessionId, 'cancelled');
  },
} satisfies Partial<Handlers>;
