import type { Database } from 'better-sqlite3';
import type { CardBrand, DepositChannel } from '../../../../domain/types';

export interface BlockRow {
  id: string;
  kind: 'bank_card_chargeback' | 'money_order_chargeback';
  customerId: string;
  residentId: string;
  createdAt: string;
  settledAt: string | null;
}

export interface DepositRow {
  id: string;
  residentId: string;
  channel: DepositChannel;
  amountCents: number;
  feeCents: number;
  cardBrand: CardBrand | null;
  cardLast4: string | null;
  cardExpiry: string | null;
  /** One-way token from the reader; never the card number. */
  cardToken: string | null;
  depositorName: string;
  state: 'pending' | 'applied' | 'rejected';
  createdAt: string;
}

export interface ReleaseRequestRow {
  id: string;
  residentId: string;
  tabletSerial: string;
  phone: string;
  returnAddress: string;
  status: 'requested' | 'received' | 'unlocked' | 'shipped_back';
  createdAt: string;
  updatedAt: string;
}

const blockColumns = `id, kind, customer_id AS customerId, resident_id AS residentId,
  created_at AS createdAt, settled_at AS settledAt`;

/** Chargeback blocks, lobby deposits and tablet release requests. */
export function createAccountRepository(db: Database) {
  const putBlock = db.prepare(
    `INSERT INTO account_blocks (id, kind, customer_id, resident_id, created_at, settled_at)
     VALUES (@id, @kind, @customerId, @residentId, @createdAt, @settledAt)
     ON CONFLICT (id) DO UPDATE SET settled_at = excluded.settled_at`,
  );
  const blocksFor = db.prepare<[string, string], BlockRow>(
    `SELECT ${blockColumns} FROM account_blocks WHERE resident_id = ? OR customer_id = ?
      ORDER BY created_at, id`,
  );
  const addDeposit = db.prepare(
    `INSERT INTO deposits (id, resident_id, channel, amount_cents, fee_cents, card_brand,
       card_last4, card_expiry, card_token, depositor_name, state, created_at)
     VALUES (@id, @residentId, @channel, @amountCents, @feeCents, @cardBrand, @cardLast4,
       @cardExpiry, @cardToken, @depositorName, @state, @createdAt)`,
  );
  const addRelease = db.prepare(
    `INSERT INTO release_requests (id, resident_id, tablet_serial, phone, return_address, status,
       created_at, updated_at)
     VALUES (@id, @residentId, @tabletSerial, @phone, @returnAddress, @status, @createdAt,
       @updatedAt)`,
  );
  const releases = db.prepare<[string], ReleaseRequestRow>(
    `SELECT id, resident_id AS residentId, tablet_serial AS tabletSerial, phone,
            return_address AS returnAddress, status, created_at AS createdAt,
            updated_at AS updatedAt
       FROM release_requests WHERE resident_id = ? ORDER BY created_at DESC, id DESC`,
  );
  return {
    saveBlock: (block: BlockRow): void => void putBlock.run(block),
    /** Every block naming this id as resident or customer, settled ones included. */
    blocksFor: (id: string): BlockRow[] => blocksFor.all(id, id),
    addDeposit: (deposit: DepositRow): void => void addDeposit.run(deposit),
    addReleaseRequest: (request: ReleaseRequestRow): void => void addRelease.run(request),
    releaseRequests: (residentId: string): ReleaseRequestRow[] => releases.all(residentId),
  };
}
