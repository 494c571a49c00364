import { randomUUID } from 'node:crypto';
import { isLocked, MAX_FAILED_ATTEMPTS, recordLoginAttempt } from '../../../domain/lockout';
import type { SessionInfo } from '../../contract';
import type { BackendCore, CallContext, Handlers } from '../context';
import { ServiceError } from '../errors';
import { sessionExpiry, type Session } from '../session';
import { enqueueMutation, type Store } from '../store';
import type { ResidentRow } from '../store/repositories/residents';
import { audit } from './audit';
import { DECOY_PIN_HASH, verifyPin } from './pin-hash';

function residentProfile(resident: ResidentRow) {
  return {
    id: resident.id,
    state: resident.state,
    docNumber: resident.docNumber,
    firstName: resident.firstName,
    lastName: resident.lastName,
    tabletSerial: resident.tabletSerial,
  };
}

export function sessionInfo(core: BackendCore, session: Session | null): SessionInfo | null {
  if (!session) return null;
  const resident = session.residentId ? core.store.residents.byId(session.residentId) : undefined;
  const expiry = sessionExpiry(session, core.idleMinutes());
  return {
    role: session.role,
    resident: resident ? residentProfile(resident) : null,
    startedAt: session.startedAt,
    expiresAt: expiry === null ? null : new Date(expiry).toISOString(),
  };
}

/** The signed-in resident's id; the access check guarantees there is one. */
export function residentId(context: CallContext): string {
  const id = context.connection.session?.residentId;
  if (!id) throw new ServiceError('unauthenticated', 'sign in first');
  return id;
}

const invalidCredentials = () =>
  new ServiceError('invalid_credentials', 'the DOC number, badge or PIN is not right');

/**
 * Checks a resident's PIN under the lockout rule (docs/rules.md "Logins"): 5 wrong tries in a row
 * lock the account until staff unlock it. Every outcome is audited, and every checked PIN is
 * reported to the central service (`auth.pinFailed` / `auth.pinSucceeded`), which counts the
 * tries of all devices and sends the lock back down to each of them.
 */
async function checkPin(context: CallContext, resident: ResidentRow | undefined, pin: string) {
  const { store } = context.core;
  const credential = resident && store.residents.credential(resident.id);
  if (!resident || !credential) {
    await verifyPin(pin, await DECOY_PIN_HASH); // same cost as a real check: no account probing
    audit(context, 'login.failed', null, { reason: 'unknown_account' });
    throw invalidCredentials();
  }
  const correct = await verifyPin(pin, { hash: credential.pinHash, salt: credential.pinSalt });
  // Re-read inside the transaction: another window may have counted a try meanwhile.
  const outcome = store.transaction(() => {
    const current = store.residents.credential(resident.id)!;
    const result = recordLoginAttempt(
      { failedAttempts: current.failedAttempts, lockedAt: current.lockedAt },
      correct,
      context.now,
    );
    store.residents.recordAttempts(
      resident.id,
      result.state.failedAttempts,
      isLocked(result.state),
      context.now,
    );
    // A refusal because the account is already locked checked nothing: nothing to report.
    if (result.outcome !== 'locked') {
      const name = correct ? 'auth.pinSucceeded' : 'auth.pinFailed';
      enqueueMutation(store, name, { residentId: resident.id, at: context.now }, context.now);
    }
    const action = {
      accepted: 'login',
      wrong: 'login.failed',
      locked_now: 'login.lockout',
      locked: 'login.refused_locked',
    }[result.outcome];
    audit(context, action, resident.id, { attemptsLeft: result.attemptsLeft });
    return result;
  });
  if (outcome.outcome === 'locked' || outcome.outcome === 'locked_now') {
    throw new ServiceError('locked', 'this account is locked; ask staff to unlock it', {
      maxAttempts: MAX_FAILED_ATTEMPTS,
    });
  }
  if (outcome.outcome === 'wrong') {
    throw new ServiceError('invalid_credentials', 'the DOC number, badge or PIN is not right', {
      attemptsRemaining: outcome.attemptsLeft,
    });
  }
}

function findResident(store: Store, input: Parameters<Handlers['auth.login']>[1]) {
  return input.method === 'doc'
    ? store.residents.byDocNumber(input.state, input.docNumber.toUpperCase())
    : store.residents.byBadgeCode(input.badgeToken);
}

export const authHandlers = {
  async 'auth.login'(context, input) {
    if (context.core.profile === 'lobby') {
      throw new ServiceError('forbidden', 'residents sign in on housing-unit kiosks and tablets');
    }
    const resident = findResident(context.core.store, input);
    await checkPin(context, resident, input.pin);
    context.connection.startSession({
      id: randomUUID(),
      role: 'resident',
      residentId: resident!.id,
      startedAt: context.now,
    });
    return sessionInfo(context.core, context.connection.session)!;
  },
  'auth.logout'(context) {
    context.connection.endSession('logout');
    return {};
  },
  'auth.session': (context) => ({
    session: sessionInfo(context.core, context.connection.session),
  }),
  // The dispatcher already counted the call as activity.
  'auth.touch': (context) => ({ session: sessionInfo(context.core, context.connection.session) }),
} satisfies Partial<Handlers>;
