import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  events,
  fail,
  isMethodName,
  methods,
  ok,
  type Access,
  type EventName,
  type ErrorCode,
  type EventPayload,
  type MethodName,
  type Result,
} from '../contract';
import { DeviceError, type DeviceErrorCode } from '../../hardware/hal';
import { isoAt } from './clock';
import type { BackendCore, CallContext, ConnectionState, Handlers } from './context';
import { ServiceError } from './errors';
import { createIdempotentCalls } from './idempotent-calls';
import { idleWarningSeconds, sessionExpiry, type Session } from './session';
import { InvalidMutationError, StoreError } from './store';
import { storageFailure } from './store/storage-errors';

export type EmitFn = (event: string, payload: unknown) => void;

export interface Connection {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  close(): void;
}

/** Everything the backend keeps per connection, plus the hook the backend uses to push events. */
export interface LiveConnection extends Connection {
  readonly id: string;
  /** Whether someone is signed in on this connection (resident or maintenance). */
  sessionOpen(): boolean;
  /** The resident signed in on this connection, if any. */
  residentId(): string | null;
  emitEvent<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

/** Who may call a method, given the device profile and the connection's session. */
function accessError(
  access: Access,
  core: BackendCore,
  session: Session | null,
): Result<never> | null {
  const needsSession = (role: Session['role']) =>
    session === null
      ? fail('unauthenticated', 'sign in first')
      : session.role !== role
        ? fail('forbidden', `this needs a ${role} session`)
        : null;
  switch (access) {
    case 'public':
      return null;
    case 'resident':
      return needsSession('resident');
    case 'kiosk':
      return core.profile === 'kiosk'
        ? needsSession('resident')
        : fail('forbidden', 'only on a housing-unit kiosk');
    case 'lobby':
      return core.profile === 'lobby' ? null : fail('forbidden', 'only on a lobby kiosk');
    case 'payment':
      if (core.profile === 'lobby') return null;
      return core.profile === 'kiosk'
        ? needsSession('resident')
        : fail('forbidden', 'payments happen on kiosks');
    case 'maintenance':
      return needsSession('maintenance');
  }
}

function inputError(error: z.ZodError): Result<never> {
  const first = error.issues[0];
  const field = first?.path.join('.') ?? '';
  return fail('invalid_input', z.prettifyError(error).slice(0, 500), field ? { field } : undefined);
}

/** Hardware refusals in contract terms: what the screen can do about them. */
const DEVICE_ERRORS: Record<DeviceErrorCode, ErrorCode> = {
  illegal: 'conflict',
  busy: 'conflict',
  no_hardware: 'device_unavailable',
  closed: 'device_unavailable',
  offline: 'device_unavailable',
  not_claimed: 'device_unavailable',
  disabled: 'device_error',
  timeout: 'timeout',
  failure: 'device_error',
  extended: 'device_error',
};

function toFailure(core: BackendCore, method: string, error: unknown): Result<never> {
  if (error instanceof ServiceError) return fail(error.code, error.message, error.details);
  if (error instanceof DeviceError) {
    return fail(DEVICE_ERRORS[error.code], error.message, { deviceCode: error.code });
  }
  if (error instanceof StoreError && error.code === 'not_found') {
    return fail('not_found', error.message);
  }
  // What the person entered cannot be sent to the central service: nothing was saved.
  if (error instanceof InvalidMutationError) {
    return fail('invalid_input', error.message, { field: error.field });
  }
  const storage = storageFailure(error);
  core.logger.error({ err: error, method, storage }, 'contract call failed');
  // A failed write rolled its transaction back: nothing was saved, and the code says why.
  if (storage) return fail(storage, 'the local store could not save; the error was logged');
  return fail('internal', 'something went wrong; the error was logged');
}

const lastActivity = (session: Session) => new Date(session.lastActivityAt).toISOString();

export function createConnection(core: BackendCore, emit: EmitFn, handlers: Handlers) {
  let closed = false;
  const once = createIdempotentCalls(() =>
    fail('conflict', 'this idempotency key was already used for another request'),
  );
  let cancelTimers: (() => void)[] = [];

  function emitEvent<E extends EventName>(event: E, payload: EventPayload<E>): void {
    if (closed) return;
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      core.logger.error(
        { event, issues: checked.error.issues },
        'refused to emit an invalid event',
      );
      return;
    }
    try {
      emit(event, checked.data);
    } catch (error) {
      core.logger.warn({ err: error, event }, 'event listener threw');
    }
  }

  function clearTimers(): void {
    for (const cancel of cancelTimers) cancel();
    cancelTimers = [];
  }

  /** (Re)arms the idle warning and logout from the session's last activity. */
  function armIdleTimers(): void {
    clearTimers();
    const session = state.session;
    const idleMinutes = core.idleMinutes();
    if (!session || idleMinutes === null) return;
    const expiry = session.lastActivityAt + idleMinutes * 60_000;
    const warning = idleWarningSeconds(idleMinutes);
    const now = core.clock.now();
    cancelTimers = [
      core.clock.setTimer(
        () => emitEvent('session.expiring', { secondsLeft: warning }),
        Math.max(0, expiry - warning * 1000 - now),
      ),
      core.clock.setTimer(() => state.endSession('idle'), Math.max(0, expiry - now)),
    ];
  }

  const state: ConnectionState = {
    id: randomUUID(),
    session: null,
    startSession(session) {
      if (state.session) state.endSession('replaced');
      const started: Session = { ...session, lastActivityAt: core.clock.now() };
      core.store.sessions.start(started.id, started.role, started.residentId, started.startedAt);
      state.session = started;
      armIdleTimers();
    },
    endSession(reason) {
      const session = state.session;
      if (!session) return;
      state.session = null;
      clearTimers();
      const at = isoAt(core.clock);
      core.store.transaction(() => {
        core.store.sessions.end(session.id, reason, at, lastActivity(session));
        core.store.audit.append({
          at,
          action: `session.${reason}`,
          actorKind: session.role,
          actorId: session.residentId,
          subjectId: session.id,
          details: {},
        });
      });
      emitEvent('session.ended', { reason });
    },
  };

  /** Ends a session whose idle time ran out even if its timer has not fired yet. */
  function expireIfIdle(): void {
    const session = state.session;
    const expiry = session && sessionExpiry(session, core.idleMinutes());
    if (expiry !== null && expiry !== undefined && core.clock.now() >= expiry) {
      state.endSession('idle');
    }
  }

  /** Activity lives in memory (a durable write per call would cost an fsync); the end is stored. */
  function touch(): void {
    const session = state.session;
    if (!session) return;
    session.lastActivityAt = core.clock.now();
    armIdleTimers();
  }

  async function invoke(method: string, input: unknown): Promise<Result<unknown>> {
    try {
      if (closed) return fail('unauthenticated', 'this connection is closed');
      if (typeof method !== 'string' || !isMethodName(method)) {
        return fail('unknown_method', `no such method: ${String(method).slice(0, 64)}`);
      }
      const spec = methods[method];
      expireIfIdle();
      const refused = accessError(spec.access, core, state.session);
      if (refused) return refused;
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) return inputError(parsed.error);
      touch();
      const { idempotencyKey, ...rest } = parsed.data as { idempotencyKey?: string };
      if (idempotencyKey === undefined) return await run(method, parsed.data);
      const scope = state.session?.id ?? 'no session';
      return await once(scope, idempotencyKey, method, rest, () => run(method, rest));
    } catch (error) {
      return toFailure(core, method, error);
    }
  }

  /** Runs a validated call and checks its answer against the output schema. */
  async function run(method: MethodName, input: unknown): Promise<Result<unknown>> {
    try {
      const context: CallContext = { core, connection: state, now: isoAt(core.clock) };
      const handler = handlers[method] as (context: CallContext, input: unknown) => unknown;
      const value = await handler(context, input);
      const output = methods[method].output.safeParse(value);
      if (!output.success) {
        core.logger.error({ method, issues: output.error.issues }, 'output failed its schema');
        return fail('internal', 'the backend produced an invalid answer; it was logged');
      }
      return ok(output.data);
    } catch (error) {
      return toFailure(core, method, error);
    }
  }

  const connection: LiveConnection = {
    id: state.id,
    sessionOpen: () => state.session !== null,
    residentId: () => state.session?.residentId ?? null,
    invoke,
    emitEvent,
    close() {
      if (closed) return;
      if (state.session) {
        const session = state.session;
        state.session = null;
        clearTimers();
        core.store.sessions.end(session.id, 'closed', isoAt(core.clock), lastActivity(session));
      }
      closed = true;
    },
  };
  return connection;
}
