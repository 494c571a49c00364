import type { Database } from 'better-sqlite3';
import type {
  CardBrand,
  CardFunding,
  DepositChannel,
  ReleaseStatus,
} from '../../../../domain/types';
import type { Chargeback } from '../../../../domain/blocks';
import type { PaymentStatus } from './stamps';

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

const chargebackColumns = `id, customer_id AS customerId, resident_id AS residentId, kind,
  amount_cents AS amountCents, recovered_cents AS recoveredCents, opened_at AS openedAt,
  resolved_at AS resolvedAt`;

/** Chargebacks (behind deposit blocks), lobby deposits and tablet release requests. */
export function createAccountRepository(db: Database) {
  const putChargeback = db.prepare(
    `INSERT INTO chargebacks (id, customer_id, resident_id, kind, amount_cents, recovered_cents,
       opened_at, resolved_at)
     VALUES (@id, @customerId, @residentId, @kind, @amountCents, @recoveredCents, @openedAt,
       @resolvedAt)
     ON CONFLICT (id) DO UPDATE SET recovered_cents = excluded.recovered_cents,
       resolved_at = excluded.resolved_at`,
  );
  const chargebacksFor = db.prepare<[string, string], Chargeback>(
    `SELECT ${chargebackColumns} FROM chargebacks WHERE resident_id = ? OR customer_id = ?
      ORDER BY opened_at, id`,
  );
  const addDeposit = db.prepare(
    `INSERT INTO deposits (id, resident_id, channel, amount_cents, fee_cents, card_brand,
       card_last4, card_expiry, card_funding, card_token, cash_session_id, depositor_name, status,
       created_at)
     VALUES (@id, @residentId, @channel, @amountCents, @feeCents, @cardBrand, @cardLast4,
       @cardExpiry, @cardFunding, @cardToken, @cashSessionId, @depositorName, @status, @createdAt)`,
  );
  const cashUsed = db.prepare<[string, string], { used: number }>(
    `SELECT EXISTS (SELECT 1 FROM deposits WHERE cash_session_id = ?)
         OR EXISTS (SELECT 1 FROM stamp_purchases WHERE cash_session_id = ?) AS used`,
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
  const upsertServerRelease = db.prepare(
    `INSERT INTO release_requests (id, resident_id, tablet_serial, agency_address, first_name,
       last_name, doc_number, phone, return_address, status, created_at)
     VALUES (@id, @residentId, @tabletSerial, @agencyAddress, @firstName, @lastName,
       @docNumber, @phone, @returnAddress, @status, @createdAt)
     ON CONFLICT (id) DO UPDATE SET status = excluded.status`,
  );
  const clearReleaseEvents = db.prepare(`DELETE FROM release_events WHERE request_id = ?`);
  const removeRelease = db.prepare(`DELETE FROM release_requests WHERE id = ?`);
  const settleDeposit = db.prepare(
    `UPDATE deposits SET status = ? WHERE id = ? AND status = 'pending'`,
  );
  const hasDeposits = db.prepare<[string], { found: number }>(
    `SELECT EXISTS (SELECT 1 FROM deposits WHERE resident_id = ?) AS found`,
  );
  return {
    saveChargeback: (chargeback: Chargeback): void => void putChargeback.run(chargeback),
    /** Chargebacks naming this resident or this customer, settled ones included. */
    chargebacksFor: (residentId: string, customerId: string): Chargeback[] =>
      chargebacksFor.all(residentId, customerId),
    addDeposit: (deposit: DepositRow): void => void addDeposit.run(deposit),
    /** Whether a cash session already paid for a deposit or a stamp purchase. */
    cashSessionUsed: (cashSessionId: string): boolean =>
      cashUsed.get(cashSessionId, cashSessionId)?.used === 1,
    addReleaseRequest(request: ReleaseRequestRow): void {
      addRelease.run(request);
      addReleaseEvent.run(request.id, request.status, request.createdAt);
    },
    /** A pulled release request: its status and its whole timeline as the server has them. */
    applyServerReleaseRequest(
      request: ReleaseRequestRow,
      timeline: readonly { status: ReleaseStatus; at: string }[],
    ): void {
      upsertServerRelease.run(request);
      clearReleaseEvents.run(request.id);
      for (const step of timeline) addReleaseEvent.run(request.id, step.status, step.at);
    },
    removeReleaseRequest: (id: string): void => void removeRelease.run(id),
    /** The server's word on a pending deposit; a settled one keeps its status. */
    settleDeposit(id: string, status: Exclude<PaymentStatus, 'pending'>): void {
      settleDeposit.run(status, id);
    },
    /** Whether this device's deposits name the resident (the row is then kept). */
    hasDeposits: (residentId: string): boolean => hasDeposits.get(residentId)?.found === 1,
    releaseRequests: (residentId: string): ReleaseRequestRow[] => releases.all(residentId),
    releaseHistory: (requestId: string) => releaseHistory.all(requestId),
  };
}
