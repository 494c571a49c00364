import type { LedgerAccount, LedgerKind } from '../protocol';
import { publishAccount, publishLedgerEntry } from './publish';
import { reject } from './rejection';
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

const COLUMN = { stamps: 'stamps', money: 'cents' } as const;

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
  const agency = owner.type === 'customer' ? owner.agency : null;
  await work.tx.run(
    `INSERT INTO ledger (id, owner_type, owner_id, account, customer_id, amount, kind, reference,
       created_at, agency)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      entry.id,
      owner.type,
      owner.id,
      account,
      customerId,
      amount,
      kind,
      reference,
      work.now,
      agency,
    ],
  );
  if (owner.type === 'resident') publishLedgerEntry(work, entry);
}

interface BalanceRow {
  stamps: number;
  cents: number;
  [key: string]: unknown;
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
  if (owner.type === 'customer') {
    if (booking.account !== 'stamps') throw new Error('a customer balance holds stamps only');
    const changed =
      delta > 0
        ? await work.tx.run(
            `INSERT INTO customer_stamps (customer_id, agency, stamps) VALUES (?, ?, ?)
             ON CONFLICT (customer_id, agency) DO UPDATE SET stamps = customer_stamps.stamps + excluded.stamps`,
            [owner.id, owner.agency, delta],
          )
        : await work.tx.run(
            `UPDATE customer_stamps SET stamps = stamps + ?
             WHERE customer_id = ? AND agency = ? AND stamps + ? >= 0`,
            [delta, owner.id, owner.agency, delta],
          );
    return { moved: changed > 0 };
  }
  const column = COLUMN[booking.account];
  const row = await work.tx.get<BalanceRow>(
    delta > 0
      ? `INSERT INTO balances (owner_type, owner_id, ${column}) VALUES (?, ?, ?)
         ON CONFLICT (owner_type, owner_id) DO UPDATE SET ${column} = balances.${column} + excluded.${column}
         RETURNING stamps, cents`
      : `UPDATE balances SET ${column} = ${column} + ? WHERE owner_type = ? AND owner_id = ? AND ${column} + ? >= 0
         RETURNING stamps, cents`,
    delta > 0 ? [owner.type, owner.id, delta] : [delta, owner.type, owner.id, delta],
  );
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
  const row = await work.tx.get<{ stamps: number }>(
    'SELECT stamps FROM reply_holdings WHERE resident_id = ? AND customer_id = ?',
    [residentId, customerId],
  );
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
  await work.tx.run(
    `INSERT INTO reply_holdings (resident_id, customer_id, stamps) VALUES (?, ?, 0)
     ON CONFLICT (resident_id, customer_id) DO NOTHING`,
    [residentId, customerId],
  );
  const changed = await work.tx.run(
    `UPDATE reply_holdings SET stamps = stamps + ?
     WHERE resident_id = ? AND customer_id = ? AND stamps + ? >= 0`,
    [amount, residentId, customerId, amount],
  );
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
