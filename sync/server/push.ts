import type { DeviceProfile } from '../../domain';
import {
  MUTATION_ARGS,
  type MutationName,
  type MutationOutcome,
  type MutationResult,
  type PushRequest,
  type PushResponse,
} from '../protocol';
import { mayActFor } from './access';
import type { AuthenticatedDevice } from './http/device-auth';
import { pinFailed, pinSucceeded } from './mutations/auth';
import { cashJournal } from './mutations/cash-journal';
import { depositCreate } from './mutations/deposits';
import { mailMarkRead, mailSend } from './mutations/mail';
import { releaseRequest } from './mutations/release';
import { stampsPurchase } from './mutations/stamps';
import { ticketFile, ticketReply } from './mutations/tickets';
import type { MutationHandler } from './mutations/types';
import { Rejection } from './rejection';
import { prepared, typed } from './storage/typed';
import { isTransientFailure, isUniqueViolation, type Storage } from './storage/types';
import { inSavepoint, inWork, remember, type Clock, type Work } from './work';

/**
 * Push: a batch applied in one transaction against the device's high-water mark.
 * - a mutation id seen before answers `duplicate` with its stored first outcome;
 * - a new mutation runs in a savepoint and ends applied or rejected; both outcomes are stored,
 *   and a rejection advances the mark like an application (no poison queue);
 * - any other failure inside a mutation is contained by its savepoint and stored as its
 *   outcome (`conflict` for an id another record holds, `internal_error` otherwise);
 * - only a transient storage failure aborts the batch: the storage layer reruns it, and after
 *   its retries the device retries the whole batch later with the same ids.
 */

const HANDLERS: { [N in MutationName]: MutationHandler<N> } = {
  'mail.send': mailSend,
  'mail.markRead': mailMarkRead,
  'ticket.file': ticketFile,
  'ticket.reply': ticketReply,
  'stamps.purchase': stampsPurchase,
  'release.request': releaseRequest,
  'deposit.create': depositCreate,
  'cash.journal': cashJournal,
  'auth.pinFailed': pinFailed,
  'auth.pinSucceeded': pinSucceeded,
};

/**
 * What each device profile may do: lobby kiosks take deposits; resident devices the rest; the
 * kiosks with a bill acceptor send its journal (a tablet has none).
 */
const RESIDENT_MUTATIONS: MutationName[] = [
  'mail.send',
  'mail.markRead',
  'ticket.file',
  'ticket.reply',
  'stamps.purchase',
  'release.request',
  'auth.pinFailed',
  'auth.pinSucceeded',
];
const ALLOWED: Record<DeviceProfile, ReadonlySet<MutationName>> = {
  // a housing-unit kiosk books a resident's own bills that covered no stamp bundle as a deposit
  kiosk: new Set<MutationName>([...RESIDENT_MUTATIONS, 'deposit.create', 'cash.journal']),
  tablet: new Set(RESIDENT_MUTATIONS),
  lobby: new Set<MutationName>(['deposit.create', 'cash.journal']),
};

function isMutationName(name: string): name is MutationName {
  return Object.hasOwn(MUTATION_ARGS, name);
}

async function applyOne(
  work: Work,
  device: AuthenticatedDevice,
  mutation: PushRequest['mutations'][number],
  onUnexpected: UnexpectedFailureListener,
): Promise<MutationOutcome> {
  const { name } = mutation;
  if (!isMutationName(name)) {
    return { status: 'rejected', code: 'unknown_mutation', reason: `unknown mutation ${name}` };
  }
  if (!ALLOWED[device.profile].has(name)) {
    return { status: 'rejected', code: 'forbidden', reason: `a ${device.profile} may not ${name}` };
  }
  const args = MUTATION_ARGS[name].safeParse(mutation.args);
  if (!args.success) {
    const reason = args.error.issues
      .map((i) => `${i.path.join('.') || 'args'}: ${i.message}`)
      .join('; ');
    return { status: 'rejected', code: 'invalid_args', reason };
  }
  // Every mutation names a resident the device must be able to act for; only a cash journal
  // of bills that paid for nothing names none (it stays the device's own, in its facility).
  const { residentId } = args.data;
  // Whom a device reaches is not something a push changes: asked once per resident a batch.
  const mayAct =
    residentId === null ||
    (await remember(work, `mayActFor:${residentId}`, () => mayActFor(work.tx, device, residentId)));
  if (!mayAct) {
    return {
      status: 'rejected',
      code: 'forbidden',
      reason: `this ${device.profile} may not act for resident ${residentId}`,
    };
  }
  const handler = HANDLERS[name] as MutationHandler<MutationName>;
  try {
    await inSavepoint(work, () => handler(work, device, args.data as never, mutation.id));
    return { status: 'applied' };
  } catch (error) {
    return containedFailure(error, mutation, onUnexpected);
  }
}

/**
 * What a mutation whose savepoint was undone answers. A business refusal keeps its code. A
 * transient storage failure aborts the batch (the whole transaction runs again). Anything else
 * is this mutation's own permanent outcome, so one bad mutation never stops a device's queue: an
 * id that another record already holds is a `conflict`, the rest `internal_error` (logged here,
 * the device only learns that the service could not apply it).
 */
function containedFailure(
  error: unknown,
  mutation: PushRequest['mutations'][number],
  onUnexpected: UnexpectedFailureListener,
): MutationOutcome {
  if (error instanceof Rejection) {
    return { status: 'rejected', code: error.code, reason: error.reason };
  }
  if (isTransientFailure(error)) throw error;
  if (isUniqueViolation(error)) {
    return {
      status: 'rejected',
      code: 'conflict',
      reason: 'an id in this mutation is already used by another record',
    };
  }
  onUnexpected(error, mutation);
  return {
    status: 'rejected',
    code: 'internal_error',
    reason: 'the service could not apply this mutation',
  };
}

/** Told of every unexpected failure push contained (the route logs it). */
export type UnexpectedFailureListener = (
  error: unknown,
  mutation: PushRequest['mutations'][number],
) => void;

/** The device's high-water mark, its row locked until commit. */
const lockedMark = prepared((db, p: { device: string }, { lockRows }) =>
  db.selectFrom('devices').select('high_water_mark').where('id', '=', p.device).$call(lockRows),
);

const storedMutations = prepared((db, p: { ids: string[] }) =>
  db.selectFrom('mutations').select(['id', 'device_id', 'outcome']).where('id', 'in', p.ids),
);

/** The mutations of a batch, one row each (column by column: one list per column). */
const insertMutations = prepared(
  (
    db,
    p: {
      ids: string[];
      seqs: number[];
      names: string[];
      outcomes: string[];
      device: string;
      at: string;
    },
  ) =>
    db.insertInto('mutations').values(
      p.ids.map((id, i) => ({
        id,
        device_id: p.device,
        seq: p.seqs[i]!,
        name: p.names[i]!,
        outcome: p.outcomes[i]!,
        applied_at: p.at,
      })),
    ),
);

const setMark = prepared((db, p: { device: string; mark: number }) =>
  db.updateTable('devices').set({ high_water_mark: p.mark }).where('id', '=', p.device),
);

/**
 * Rows a statement: each length of a list is a statement of its own (compiled, and prepared by
 * the engine), so chunks keep the shapes few whatever the batch size.
 */
const ROWS_PER_STATEMENT = 64;

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < list.length; start += ROWS_PER_STATEMENT) {
    out.push(list.slice(start, start + ROWS_PER_STATEMENT));
  }
  return out;
}

interface StoredMutation {
  id: string;
  device_id: string;
  outcome: string;
}

export function applyPush(
  storage: Storage,
  clock: Clock,
  device: AuthenticatedDevice,
  request: PushRequest,
  onUnexpected: UnexpectedFailureListener,
): Promise<PushResponse> {
  return inWork(storage, clock, async (work) => {
    const q = typed(work.tx);
    // The device row is locked until commit: two batches of one device apply one after the other.
    const row = await q.first(lockedMark, { device: device.id });
    let mark = row?.high_water_mark ?? 0;
    // A batch holds at least one mutation (the protocol's schema), so the list is never empty.
    const seen = new Map<string, StoredMutation>();
    for (const ids of chunks(request.mutations.map((mutation) => mutation.id))) {
      for (const stored of await q.all(storedMutations, { ids })) seen.set(stored.id, stored);
    }
    const results: MutationResult[] = [];
    /** This batch's new mutations with their outcomes, written together after the loop. */
    const settled: { mutation: PushRequest['mutations'][number]; outcome: string }[] = [];
    for (const mutation of request.mutations) {
      const stored = seen.get(mutation.id);
      if (stored) {
        const outcome: MutationOutcome =
          stored.device_id === device.id
            ? JSON.parse(stored.outcome)
            : {
                status: 'rejected',
                code: 'conflict',
                reason: 'mutation id used by another device',
              };
        results.push({ id: mutation.id, seq: mutation.seq, status: 'duplicate', outcome });
        continue;
      }
      if (mutation.seq <= mark) {
        // A new id under an already settled seq: the device reused a sequence number.
        const outcome: MutationOutcome = {
          status: 'rejected',
          code: 'conflict',
          reason: `seq ${mutation.seq} is at or below the high-water mark ${mark}`,
        };
        results.push({ id: mutation.id, seq: mutation.seq, status: 'rejected', outcome });
        continue;
      }
      const outcome = await applyOne(work, device, mutation, onUnexpected);
      const text = JSON.stringify(outcome);
      settled.push({ mutation, outcome: text });
      // The same id twice in one batch is a duplicate of the first.
      seen.set(mutation.id, { id: mutation.id, device_id: device.id, outcome: text });
      mark = mutation.seq;
      results.push({ id: mutation.id, seq: mutation.seq, status: outcome.status, outcome });
    }
    // In the same transaction as the mutations' effects: both commit, or neither.
    for (const chunk of chunks(settled)) {
      await q.run(insertMutations, {
        ids: chunk.map(({ mutation }) => mutation.id),
        seqs: chunk.map(({ mutation }) => mutation.seq),
        names: chunk.map(({ mutation }) => mutation.name),
        outcomes: chunk.map(({ outcome }) => outcome),
        device: device.id,
        at: work.now,
      });
    }
    await q.run(setMark, { device: device.id, mark });
    return { results, highWaterMark: mark };
  });
}
