import { isSyncProblem } from '../../../domain/types';
import type { CardResult, CashPurpose, DeviceInfo, SyncStatus } from '../../contract';
import type { HeldPurpose } from '../cash-purposes';
import type { BackendCore, CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import { IDLE_WARNING_SECONDS, idleWarningSeconds } from '../session';
import { isEnrolled } from '../sync';

const NO_HARDWARE: DeviceInfo['hardware'] = {
  cardReader: false,
  receiptPrinter: false,
  billAcceptor: false,
  badgeScanner: false,
};

export function deviceInfo(core: BackendCore): DeviceInfo {
  const identity = core.store.identity.device();
  const facility = core.facility();
  const idleMinutes = core.idleMinutes();
  return {
    deviceId: identity?.deviceId ?? null,
    profile: core.profile,
    facilityId: facility?.id ?? identity?.facilityId ?? null,
    facilityName: facility?.name ?? null,
    appVersion: core.appVersion,
    enrolled: isEnrolled(core.store),
    services: facility?.services ?? [],
    defaultLocale: facility?.defaultLocale ?? 'en',
    idleTimeoutSeconds: idleMinutes === null ? null : idleMinutes * 60,
    idleWarningSeconds:
      idleMinutes === null ? IDLE_WARNING_SECONDS : idleWarningSeconds(idleMinutes),
    hardware: core.devices?.hardware() ?? NO_HARDWARE,
  };
}

/** The sync client's status, or what the store knows when no sync client runs. */
export function syncStatus(core: BackendCore): SyncStatus {
  if (core.sync) return core.sync.status();
  const outbox = core.store.outbox.counts();
  const state = core.store.sync.state();
  return {
    state: 'offline',
    pendingMutations: outbox.pending + outbox.sent,
    pushed: 0,
    pulled: 0,
    lastSuccessAt: state.lastSuccessAt,
    // The store only ever holds the sync client's problem codes; anything else is not shown.
    lastError: isSyncProblem(state.lastError) ? state.lastError : null,
    nextAttemptAt: null,
  };
}

/** The device service, or `device_unavailable` when this device has no hardware configured. */
export function requireDevices(core: BackendCore) {
  if (!core.devices) throw new ServiceError('device_unavailable', 'no hardware on this device');
  return core.devices;
}

/** A cash session must have ended with enough money in it and never have paid for anything. */
export function requirePaidCash(context: CallContext, cashSessionId: string, totalCents: number) {
  const session = requireDevices(context.core).cashSession(cashSessionId);
  if (!session || session.state !== 'ended') {
    throw new ServiceError('conflict', 'end the cash session before paying with it');
  }
  if (context.core.store.account.cashSessionUsed(cashSessionId)) {
    throw new ServiceError('conflict', 'this cash session already paid for something');
  }
  if (session.insertedCents < totalCents) {
    throw new ServiceError('insufficient_funds', 'not enough cash was inserted', {
      insertedCents: session.insertedCents,
      totalCents,
    });
  }
  return session;
}

/**
 * The card as this device's reader produced it (never as the caller describes it); refused when
 * the reader did not read it or a payment already used that swipe.
 */
export function requireCardRead(context: CallContext, card: CardResult): CardResult {
  requireDevices(context.core);
  const read = context.core.cardReads.peek(card.token);
  if (!read) {
    throw new ServiceError('invalid_input', 'swipe the card on this kiosk for this payment', {
      field: 'card',
    });
  }
  return read;
}

/**
 * What a cash session may be opened for here: a deposit at a lobby kiosk (to a resident of this
 * device), stamps for the signed-in resident at a housing-unit kiosk.
 */
function heldPurpose(context: CallContext, purpose: CashPurpose): HeldPurpose {
  const { core } = context;
  if (purpose.kind === 'deposit') {
    if (core.profile !== 'lobby')
      throw new ServiceError('forbidden', 'cash deposits for others happen at lobby kiosks');
    if (!core.store.residents.byId(purpose.residentId))
      throw new ServiceError('not_found', 'no such resident', { field: 'purpose.residentId' });
    return purpose;
  }
  const residentId = context.connection.session?.residentId;
  if (!residentId) throw new ServiceError('forbidden', 'stamps are bought by a signed-in resident');
  return { ...purpose, residentId };
}

export const deviceHandlers = {
  'device.info': (context) => deviceInfo(context.core),
  'device.syncStatus': (context) => syncStatus(context.core),
  'device.syncNow': (context) =>
    context.core.sync ? context.core.sync.syncNow() : syncStatus(context.core),

  async 'payment.cardStart'(context) {
    await requireDevices(context.core).startCardRead();
    context.core.payments.startCard(context.connection.id);
    return {};
  },
  async 'payment.cardCancel'(context) {
    await requireDevices(context.core).cancelCardRead();
    context.core.payments.endCard();
    return {};
  },
  async 'payment.cashStart'(context, input) {
    const purpose = input.purpose && heldPurpose(context, input.purpose);
    const session = await requireDevices(context.core).startCash();
    context.core.payments.startCash(session.cashSessionId, context.connection.id);
    if (purpose) context.core.cashPurposes.hold(session.cashSessionId, purpose);
    return session;
  },
  'payment.cashEscrow': (context, input) =>
    requireDevices(context.core).escrow(input.cashSessionId, input.action),
  async 'payment.cashEnd'(context, input) {
    const session = await requireDevices(context.core).endCash(input.cashSessionId);
    context.core.payments.endCash(input.cashSessionId);
    return session;
  },
} satisfies Partial<Handlers>;
