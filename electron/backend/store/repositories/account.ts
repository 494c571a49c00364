import type { Database } from 'better-sqlite3';
import type {
  CardBrand,
  CardFunding,
  DepositChannel,
  ReleaseStatus,
} from '../../../../domain/types';
import type { PaymentStatus } from './stamps';

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
  /** YYYY-MM. */
  cardExpiry: string | null;
  cardFunding: CardFunding | null;
  /** One-way token from the reader; never the card number. */
  cardToken: string | null;
  cashSessionId: string | null;
  depositorName: string;
  status: PaymentStatus;
  createdAt: string;
}

export interface ReleaseRequestRow {
  id: string;
  residentId: string;
  tabletSerial: string;
  agencyAddress: string;
  firstName: string;
  lastName: string;
  docNumber: string;
  phone: string;
  returnAddress: string;
  status: ReleaseStatus;
  createdAt: string;
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
       card_last4, card_expiry, card_funding, card_token, cash_session_id, depositor_name, status,
       created_at)
     VALUES (@id, @residentId, @channel, @amountCents, @feeCents, @cardBrand, @cardLast4,
       @cardExpiry, @cardFunding, @cardToken, @cashSessionId, @depositorName, @status, @createdAt)`,
  );
  const addRelease = db.prepare(
    `INSERT INTO release_requests (id, resident_id, tablet_serial, agency_address, first_name,
       last_name, doc_number, phone, return_address, status, created_at)
     VALUES (@id, @residentId, @tabletSerial, @agencyAddress, @firstName, @lastName, @docNumber,
       @phone, @returnAddress, @status, @createdAt)`,
  );
  const addReleaseEvent = db.prepare(
    `INSERT INTO release_events (request_id, status, at) VALUES (?, ?, ?)`,
  );
  const releases = db.prepare<[string], ReleaseRequestRow>(
    `SELECT id, resident_id AS residentId, tablet_serial AS tabletSerial,
            agency_address AS agencyAddress, first_name AS firstName, last_name AS lastName,
            doc_number AS docNumber, phone, return_address AS returnAddress, status,
            created_at AS createdAt
       FROM release_requests WHERE resident_id = ? ORDER BY created_at DESC, id DESC`,
  );
  const releaseHistory = db.prepare<[string], { status: ReleaseStatus; at: string }>(
    `SELECT status, at FROM release_events WHERE request_id = ? ORDER BY at, id`,
  );
  return {
    saveBlock: (block: BlockRow): void => void putBlock.run(block),
    /** Every block naming this id as resident or customer, settled ones included. */
    blocksFor: (id: string): BlockRow[] => blocksFor.all(id, id),
    addDeposit: (deposit: DepositRow): void => void addDeposit.run(deposit),
    addReleaseRequest(request: ReleaseRequestRow): void {
      addRelease.run(request);
      addReleaseEvent.run(request.id, request.status, request.createdAt);
    },
    releaseRequests: (residentId: string): ReleaseRequestRow[] => releases.all(residentId),
    releaseHistory: (requestId: string) => releaseHistory.all(requestId),
  };
}
