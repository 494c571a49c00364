import {
  BANK_CARD_CHANNELS,
  evaluateDeposit,
  type BlockReason,
  type BlockReasonCode,
  type DepositDecision,
} from '../../../domain/blocks';
import type { Store } from '../store';
import type { BlockRow } from '../store/repositories/blocks';

function reasonOf(block: BlockRow): BlockReasonCode {
  if (block.kind === 'card_sender') return 'customer_card_chargeback';
  return block.bankCard ? 'resident_card_chargeback' : 'resident_money_order_chargeback';
}

/**
 * The deposit decision (bank card) for a resident and a customer, from two sources: the
 * chargebacks the device holds (the domain's rules decide) and the blocks the central service
 * sent (it decided; a lifted block is gone). Every reason closes the bank-card channels.
 */
export function depositBlocks(store: Store, residentId: string, customerId: string, now: string) {
  const chargebacks = store.account.chargebacksFor(residentId, customerId);
  const local = evaluateDeposit(chargebacks, { customerId, residentId, channel: 'bank_card' });
  const pulled = store.blocks.on(residentId, customerId);
  const since = new Map<string, string>(chargebacks.map((cb) => [cb.id, cb.openedAt]));
  const byCode = new Map<BlockReasonCode, Set<string>>(
    local.reasons.map((reason) => [reason.code, new Set(reason.chargebackIds)]),
  );
  for (const block of pulled) {
    const code = reasonOf(block);
    byCode.set(code, (byCode.get(code) ?? new Set()).add(block.chargebackId));
    since.set(block.chargebackId, block.since);
  }
  const reasons: BlockReason[] = [...byCode].map(([code, ids]) => ({
    code,
    chargebackIds: [...ids],
  }));
  const allowedChannels = local.allowedChannels.filter(
    (channel) => reasons.length === 0 || !BANK_CARD_CHANNELS.includes(channel),
  );
  const decision: DepositDecision = {
    ...local,
    allowed: allowedChannels.includes('bank_card'),
    reasons,
    allowedChannels,
  };
  return {
    decision,
    blocks: reasons.map((reason) => ({
      code: reason.code,
      since: reason.chargebackIds.map((id) => since.get(id) ?? now).sort()[0] ?? now,
      channels: [...BANK_CARD_CHANNELS],
    })),
  };
}
