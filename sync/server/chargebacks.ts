import {
  isOutstanding,
  resolveChargeback,
  type Chargeback,
  type ChargebackKind,
} from '../../domain';
import type { BlockData } from '../protocol';
import { publishBlock, removeBlock } from './publish';
import { reject } from './rejection';
import type { Queryable } from './storage/types';
import type { Work } from './work';

/**
 * Chargebacks and the blocks they cause (domain blocks.ts decides; this stores and publishes).
 * Blocks flow down to the resident's facility so kiosks can explain them; a block that lifts is
 * sent as a tombstone.
 */

interface ChargebackRow {
  id: string;
  deposit_id: string;
  kind: ChargebackKind;
  customer_id: string;
  resident_id: string;
  amount_cents: number;
  recovered_cents: number;
  opened_at: string;
  resolved_at: string | null;
  [key: string]: unknown;
}

function toDomain(row: ChargebackRow): Chargeback {
  return {
    id: row.id,
    customerId: row.customer_id,
    residentId: row.resident_id,
    kind: row.kind,
    amountCents: row.amount_cents,
    recoveredCents: row.recovered_cents,
    openedAt: row.opened_at,
    resolvedAt: row.resolved_at,
  };
}

/** Outstanding chargebacks touching this customer or resident. */
export async function openChargebacks(db: Queryable, customerId: string, residentId: string) {
  const rows = await db.all<ChargebackRow>(
    `SELECT * FROM chargebacks WHERE (customer_id = ? OR resident_id = ?)
     AND resolved_at IS NULL AND recovered_cents < amount_cents`,
    [customerId, residentId],
  );
  return rows.map(toDomain);
}

function blocksOf(chargeback: Chargeback): BlockData[] {
  const base = { chargebackId: chargeback.id, since: chargeback.openedAt };
  const receiver: BlockData = {
    ...base,
    id: `${chargeback.id}:card_receiver`,
    kind: 'card_receiver',
    subjectType: 'resident',
    subjectId: chargeback.residentId,
  };
  if (chargeback.kind !== 'bank_card') return [receiver];
  return [
    receiver,
    {
      ...base,
      id: `${chargeback.id}:card_sender`,
      kind: 'card_sender',
      subjectType: 'customer',
      subjectId: chargeback.customerId,
    },
  ];
}

async function publishBlocks(work: Work, chargeback: Chargeback): Promise<void> {
  const resident = await work.tx.get<{ facility_id: string }>(
    'SELECT facility_id FROM residents WHERE id = ?',
    [chargeback.residentId],
  );
  if (!resident) return;
  for (const block of blocksOf(chargeback)) {
    if (isOutstanding(chargeback)) publishBlock(work, resident.facility_id, block);
    else removeBlock(work, resident.facility_id, block.id);
  }
}

/** Records a chargeback or stop payment against an earlier deposit (admin API). */
export async function recordChargeback(
  work: Work,
  input: { chargebackId: string; depositId: string; kind: ChargebackKind; amountCents: number },
): Promise<Chargeback> {
  const deposit = await work.tx.get<{
    resident_id: string;
    customer_id: string | null;
    amount_cents: number;
  }>('SELECT resident_id, customer_id, amount_cents FROM deposits WHERE id = ?', [input.depositId]);
  if (!deposit) reject('not_found', `no deposit ${input.depositId}`);
  if (input.amountCents > deposit.amount_cents) {
    reject('amount_out_of_range', 'a chargeback cannot exceed its deposit');
  }
  const existing = await work.tx.get<ChargebackRow>('SELECT * FROM chargebacks WHERE id = ?', [
    input.chargebackId,
  ]);
  if (existing) return toDomain(existing);
  const chargeback: Chargeback = {
    id: input.chargebackId,
    customerId: deposit.customer_id ?? `deposit:${input.depositId}`,
    residentId: deposit.resident_id,
    kind: input.kind,
    amountCents: input.amountCents,
    recoveredCents: 0,
    openedAt: work.now,
    resolvedAt: null,
  };
  await work.tx.run(
    `INSERT INTO chargebacks (id, deposit_id, kind, customer_id, resident_id, amount_cents, opened_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    [
      chargeback.id,
      input.depositId,
      chargeback.kind,
      chargeback.customerId,
      chargeback.residentId,
      chargeback.amountCents,
      work.now,
    ],
  );
  await publishBlocks(work, chargeback);
  return chargeback;
}

/** Money recovered on a chargeback (money order settlement). */
export async function recoverChargeback(work: Work, chargebackId: string, cents: number) {
  await work.tx.run('UPDATE chargebacks SET recovered_cents = recovered_cents + ? WHERE id = ?', [
    cents,
    chargebackId,
  ]);
  const row = await work.tx.get<ChargebackRow>('SELECT * FROM chargebacks WHERE id = ?', [
    chargebackId,
  ]);
  if (row) await publishBlocks(work, toDomain(row));
}

/** Settlement (provider reimbursed: fully recovered) or other resolution lifts the blocks. */
export async function settleChargeback(
  work: Work,
  chargebackId: string,
  resolution: 'settled' | 'resolved',
): Promise<Chargeback> {
  const row = await work.tx.get<ChargebackRow>(
    `SELECT * FROM chargebacks WHERE id = ?${work.tx.forUpdate}`,
    [chargebackId],
  );
  if (!row) reject('not_found', `no chargeback ${chargebackId}`);
  let chargeback = toDomain(row);
  if (resolution === 'settled') {
    chargeback = { ...chargeback, recoveredCents: chargeback.amountCents };
  } else {
    const resolved = resolveChargeback(chargeback, work.now);
    if (!resolved.ok) reject('invalid_args', resolved.error.message);
    chargeback = resolved.value;
  }
  await work.tx.run('UPDATE chargebacks SET recovered_cents = ?, resolved_at = ? WHERE id = ?', [
    chargeback.recoveredCents,
    chargeback.resolvedAt,
    chargebackId,
  ]);
  await publishBlocks(work, chargeback);
  return chargeback;
}
