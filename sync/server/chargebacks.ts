import type { Selectable } from 'kysely';
import {
  CHARGEBACK_KINDS,
  isOutstanding,
  resolveChargeback,
  type Chargeback,
  type ChargebackKind,
} from '../../domain';
import type { BlockData } from '../protocol';
import { publishBlock, removeBlock } from './publish';
import { reject } from './rejection';
import type { CentralDatabase } from './storage/schema';
import { typed } from './storage/typed';
import type { Queryable } from './storage/types';
import type { Work } from './work';

/**
 * Chargebacks and the blocks they cause (domain blocks.ts decides; this stores and publishes).
 * Blocks flow down to the resident's facility so kiosks can explain them; a block that lifts is
 * sent as a tombstone.
 */

type ChargebackRow = Selectable<CentralDatabase['chargebacks']>;

function kindOf(row: ChargebackRow): ChargebackKind {
  const kind = CHARGEBACK_KINDS.find((known) => known === row.kind);
  if (!kind) throw new Error(`chargeback ${row.id} has an unknown kind ${row.kind}`);
  return kind;
}

function toDomain(row: ChargebackRow): Chargeback {
  return {
    id: row.id,
    customerId: row.customer_id,
    residentId: row.resident_id,
    kind: kindOf(row),
    amountCents: row.amount_cents,
    recoveredCents: row.recovered_cents,
    openedAt: row.opened_at,
    resolvedAt: row.resolved_at,
  };
}

/** Outstanding chargebacks touching this customer or resident. */
export async function openChargebacks(
  queryable: Queryable,
  customerId: string,
  residentId: string,
) {
  const rows = await typed(queryable).all((db) =>
    db
      .selectFrom('chargebacks')
      .selectAll()
      .where((eb) =>
        eb.and([
          eb.or([eb('customer_id', '=', customerId), eb('resident_id', '=', residentId)]),
          eb('resolved_at', 'is', null),
          eb('recovered_cents', '<', eb.ref('amount_cents')),
        ]),
      ),
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
  const resident = await typed(work.tx).first((db) =>
    db.selectFrom('residents').select('facility_id').where('id', '=', chargeback.residentId),
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
  const q = typed(work.tx);
  const deposit = await q.first((db) =>
    db
      .selectFrom('deposits')
      .select(['resident_id', 'customer_id', 'amount_cents'])
      .where('id', '=', input.depositId),
  );
  if (!deposit) reject('not_found', `no deposit ${input.depositId}`);
  if (input.amountCents > deposit.amount_cents) {
    reject('amount_out_of_range', 'a chargeback cannot exceed its deposit');
  }
  const existing = await q.first((db) =>
    db.selectFrom('chargebacks').selectAll().where('id', '=', input.chargebackId),
  );
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
  await q.run((db) =>
    db.insertInto('chargebacks').values({
      id: chargeback.id,
      deposit_id: input.depositId,
      kind: chargeback.kind,
      customer_id: chargeback.customerId,
      resident_id: chargeback.residentId,
      amount_cents: chargeback.amountCents,
      opened_at: work.now,
    }),
  );
  await publishBlocks(work, chargeback);
  return chargeback;
}

/** Money recovered on a chargeback (money order settlement). */
export async function recoverChargeback(work: Work, chargebackId: string, cents: number) {
  const q = typed(work.tx);
  await q.run((db) =>
    db
      .updateTable('chargebacks')
      .set((eb) => ({ recovered_cents: eb('recovered_cents', '+', cents) }))
      .where('id', '=', chargebackId),
  );
  const row = await q.first((db) =>
    db.selectFrom('chargebacks').selectAll().where('id', '=', chargebackId),
  );
  if (row) await publishBlocks(work, toDomain(row));
}

/** Settlement (provider reimbursed: fully recovered) or other resolution lifts the blocks. */
export async function settleChargeback(
  work: Work,
  chargebackId: string,
  resolution: 'settled' | 'resolved',
): Promise<Chargeback> {
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db.selectFrom('chargebacks').selectAll().where('id', '=', chargebackId).$call(q.lockRows),
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
  await q.run((db) =>
    db
      .updateTable('chargebacks')
      .set({ recovered_cents: chargeback.recoveredCents, resolved_at: chargeback.resolvedAt })
      .where('id', '=', chargebackId),
  );
  await publishBlocks(work, chargeback);
  return chargeback;
}
