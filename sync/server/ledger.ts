import type { LedgerAccount, LedgerKind } from '../protocol';
import { publishAccount, publishLedgerEntry } from './publish';
import { reject } from './rejection';
import { prepared, typed } from './storage/typed';
import type { Work } from './work';

/**
 * The append-only ledger behind every stamp and cent. Each entry is unique per
 * (owner, account, kind, reference), where the reference is the mutation id or idempotency key,
 * so nothing is booked twice. Balances move only here, in the same transaction as the entry;
 * a debit is a guarded UPDATE (`WHERE stamps >= ?`) and the table has CHECK (>= 0), so a
 * balance can never go below zero, even with two devices spending at once.
 */

/**
 * Whose balance: a resident's (stamps and money), or a customer's stamps for one agency (the
 * state DOC whose facilities they buy for and write to: prices and contracts differ by agency,
 * so a customer's stamps are kept per agency, in `customer_stamps`).
 */
export type Owner =
  { type: 'resident'; id: string } | { type: 'customer'; id: string; agency: string };

export interface Booking {
  owner: Owner;
  account: Exclude<LedgerAccount, 'reply_stamps'>;
  amount: number;
  kind: LedgerKind;
  reference: string;
}

// Every ledger statement is compiled once per engine: they run several times per mutation.
const insertEntry = prepared(
  (
    db,
    p: {
      id: string;
      ownerType: Owner['type'];
      ownerId: string;
      account: LedgerAccount;
      customerId: string | null;
      amount: number;
      kind: LedgerKind;
      reference: string;
      createdAt: string;
      agency: string | null;
    },
  ) =>
    db.insertInto('ledger').values({
      id: p.id,
      owner_type: p.ownerType,
      owner_id: p.ownerId,
      account: p.account,
      customer_id: p.customerId,
      amount: p.amount,
      kind: p.kind,
      reference: p.reference,
      created_at: p.createdAt,
      agency: p.agency,
    }),
);

interface CustomerStampsMove {
  customerId: string;
  agency: string;
  delta: number;
}

const creditCustomerStamps = prepared((db, p: CustomerStampsMove) =>
  db
    .insertInto('customer_stamps')
    .values({ customer_id: p.customerId, agency: p.agency, stamps: p.delta })
    .onConflict((oc) =>
      oc.columns(['customer_id', 'agency']).doUpdateSet((eb) => ({
        stamps: eb('customer_stamps.stamps', '+', eb.ref('excluded.stamps')),
      })),
    ),
);

const debitCustomerStamps = prepared((db, p: CustomerStampsMove) =>
  db
    .updateTable('customer_stamps')
    .set((eb) => ({ stamps: eb('stamps', '+', p.delta) }))
    .where('customer_id', '=', p.customerId)
    .where('agency', '=', p.agency)
    .where((eb) => eb(eb('stamps', '+', p.delta), '>=', 0)),
);

interface BalanceMove {
  ownerType: 'resident';
  ownerId: string;
  delta: number;
}

/** The two statements that move one column of a resident's balance row. */
function balanceMoves(column: 'stamps' | 'cents') {
  return {
    credit: prepared((db, p: BalanceMove) =>
      db
        .insertInto('balances')
        .values({ owner_type: p.ownerType, owner_id: p.ownerId, [column]: p.delta })
        .onConflict((oc) =>
          oc.columns(['owner_type', 'owner_id']).doUpdateSet((eb) => ({
            [column]: eb(`balances.${column}`, '+', eb.ref(`excluded.${column}`)),
          })),
        )
        .returning(['stamps', 'cents']),
    ),
    debit: prepared((db, p: BalanceMove) =>
      db
        .updateTable('balances')
        .set((eb) => ({ [column]: eb(column, '+', p.delta) }))
        .where('owner_type', '=', p.ownerType)
        .where('owner_id', '=', p.ownerId)
        .where((eb) => eb(eb(column, '+', p.delta), '>=', 0))
        .returning(['stamps', 'cents']),
    ),
  };
}

const BALANCE_MOVES = { stamps: balanceMoves('stamps'), money: balanceMoves('cents') };

interface ReplyHoldingKey {
  residentId: string;
  customerId: string;
}

const replyHoldingOf = prepared((db, p: ReplyHoldingKey) =>
  db
    .selectFrom('reply_holdings')
    .select('stamps')
    .where('resident_id', '=', p.residentId)
    .where('customer_id', '=', p.customerId),
);

const openReplyHolding = prepared((db, p: ReplyHoldingKey) =>
  db
    .insertInto('reply_holdings')
    .values({ resident_id: p.residentId, customer_id: p.customerId, stamps: 0 })
    .onConflict((oc) => oc.columns(['resident_id', 'customer_id']).doNothing()),
);

const moveReplyHolding = prepared((db, p: ReplyHoldingKey & { amount: number }) =>
  db
    .updateTable('reply_holdings')
    .set((eb) => ({ stamps: eb('stamps', '+', p.amount) }))
    .where('resident_id', '=', p.residentId)
    .where('customer_id', '=', p.customerId)
    .where((eb) => eb(eb('stamps', '+', p.amount), '>=', 0)),
);

async function appendEntry(
  work: Work,
  owner: Owner,
  account: LedgerAccount,
  customerId: string | null,
  amount: number,
  kind: LedgerKind,
  reference: string,
): Promise<void> {
  const entry = {
    id: crypto.randomUUID(),
    residentId: owner.id,
    account,
    customerId,
    amount,
    kind,
    reference,
    createdAt: work.now,
  };
  await typed(work.tx).run(insertEntry, {
    ...entry,
    ownerType: owner.type,
    ownerId: owner.id,
    agency: owner.type === 'customer' ? owner.agency : null,
  });
  if (owner.type === 'resident') publishLedgerEntry(work, entry);
}

interface BalanceRow {
  stamps: number;
  cents: number;
}

function publishBalance(work: Work, owner: Owner, row: BalanceRow | undefined): void {
  if (owner.type === 'resident' && row) publishAccount(work, owner.id, row);
}

/**
 * Moves a balance by `delta` (a credit creates it at zero first; a debit is guarded so it never
 * goes below zero). Answers whether it moved, and a resident's new balance row to publish.
 */
async function moveBalance(
  work: Work,
  booking: Booking,
  delta: number,
): Promise<{ moved: boolean; resident?: BalanceRow }> {
  const { owner } = booking;
  const q = typed(work.tx);
  if (owner.type === 'customer') {
    if (booking.account !== 'stamps') throw new Error('a customer balance holds stamps only');
    const move = { customerId: owner.id, agency: owner.agency, delta };
    const changed = await q.run(delta > 0 ? creditCustomerStamps : debitCustomerStamps, move);
    return { moved: changed > 0 };
  }
  const moves = BALANCE_MOVES[booking.account];
  const row = await q.first(delta > 0 ? moves.credit : moves.debit, {
    ownerType: owner.type,
    ownerId: owner.id,
    delta,
  });
  return { moved: row !== undefined, resident: row };
}

/** Adds to a balance (creating it at zero first). */
export async function credit(work: Work, booking: Booking): Promise<void> {
  const { resident } = await moveBalance(work, booking, booking.amount);
  await appendEntry(
    work,
    booking.owner,
    booking.account,
    null,
    booking.amount,
    booking.kind,
    booking.reference,
  );
  publishBalance(work, booking.owner, resident);
}

/**
 * Takes from a balance, or rejects with insufficient_stamps / insufficient_funds. A missing
 * balance row is a zero balance, so the guarded UPDATE alone decides.
 */
export async function debit(work: Work, booking: Booking): Promise<void> {
  if (booking.amount === 0) return;
  const { moved, resident } = await moveBalance(work, booking, -booking.amount);
  if (!moved) {
    reject(
      booking.account === 'stamps' ? 'insufficient_stamps' : 'insufficient_funds',
      `not enough ${booking.account === 'stamps' ? 'stamps' : 'money'} for ${booking.amount}`,
    );
  }
  await appendEntry(
    work,
    booking.owner,
    booking.account,
    null,
    -booking.amount,
    booking.kind,
    booking.reference,
  );
  publishBalance(work, booking.owner, resident);
}

/** Prepaid reply stamps held by a resident for replies to one customer. */
export async function replyHolding(work: Work, residentId: string, customerId: string) {
  const row = await typed(work.tx).first(replyHoldingOf, { residentId, customerId });
  return row?.stamps ?? 0;
}

/** Moves prepaid reply stamps: amount > 0 gives them to the resident, < 0 spends them. */
export async function bookReplyStamps(
  work: Work,
  residentId: string,
  customerId: string,
  amount: number,
  kind: LedgerKind,
  reference: string,
): Promise<void> {
  if (amount === 0) return;
  const q = typed(work.tx);
  await q.run(openReplyHolding, { residentId, customerId });
  const changed = await q.run(moveReplyHolding, { residentId, customerId, amount });
  if (changed === 0) reject('insufficient_stamps', 'not enough prepaid reply stamps');
  await appendEntry(
    work,
    { type: 'resident', id: residentId },
    'reply_stamps',
    customerId,
    amount,
    kind,
    reference,
  );
}
