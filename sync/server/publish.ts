import type { Selectable } from 'kysely';
import {
  MessageDataSchema,
  SCOPE_KINDS,
  type BadgeKeyData,
  type BlockData,
  type DirectoryEntryData,
  type LedgerEntryData,
  type MessageData,
  type ReleaseRequestData,
  type ResidentData,
  type Scope,
  type TicketData,
  type TicketMessageData,
} from '../protocol';
import type { FacilityConfig } from '../../domain';
import { badgeHash, facilityBadgeKey } from './badge-keys';
import type { CentralDatabase } from './storage/schema';
import { prepared, typed } from './storage/typed';
import type { Work } from './work';

/**
 * Turns stored rows into the entity data devices receive (sync/protocol entities.ts) and
 * records them as changes of the right scope: facility (config, residents, blocks) or resident
 * (contacts, messages, account, ledger, tickets, release requests).
 */

const facilityScope = (id: string): Scope => ({ kind: 'facility', id });
const residentScope = (id: string): Scope => ({ kind: 'resident', id });
const unitScope = (id: string): Scope => ({ kind: 'unit', id });
const deviceScope = (id: string): Scope => ({ kind: 'device', id });
const directoryScope = (facilityId: string): Scope => ({
  kind: 'directory',
  id: facilityId,
});

export function publishFacility(work: Work, config: FacilityConfig): void {
  work.changes.upsert(facilityScope(config.id), 'facility', config.id, config);
}

export interface ResidentRow {
  id: string;
  facility_id: string;
  housing_unit_id: string | null;
  state: string;
  doc_number: string;
  first_name: string;
  last_name: string;
  pin_hash: string;
  badge_id: string | null;
  tablet_serial: string | null;
  failed_pin_attempts: number;
  locked_at: string | null;
  released_at: string | null;
  [key: string]: unknown;
}

/** A resident's sign-in record: the badge code only as its hash under the facility's key. */
function residentData(row: ResidentRow, key: BadgeKeyData): ResidentData {
  return {
    id: row.id,
    facilityId: row.facility_id,
    housingUnitId: row.housing_unit_id,
    state: row.state,
    docNumber: row.doc_number,
    firstName: row.first_name,
    lastName: row.last_name,
    pinHash: row.pin_hash,
    badgeHash: row.badge_id === null ? null : badgeHash(key.key, row.badge_id),
    tabletSerial: row.tablet_serial,
    failedPinAttempts: row.failed_pin_attempts,
    locked: row.locked_at !== null,
    lockedAt: row.locked_at,
  };
}

function directoryEntry(row: ResidentRow): DirectoryEntryData {
  return {
    id: row.id,
    facilityId: row.facility_id,
    state: row.state,
    docNumber: row.doc_number,
    firstName: row.first_name,
    lastName: row.last_name,
  };
}

const scopeKey = (scope: Scope, entity: string) => `${scope.kind}\u0000${scope.id}\u0000${entity}`;

/**
 * Where a resident's records go, least data first: the sign-in record (with credentials) to the
 * kiosks of their housing unit and to the tablets enrolled with their tablet serial; the
 * depositor's directory entry to the facility's lobby kiosks. A released resident goes nowhere.
 */
async function residentAudience(work: Work, row: ResidentRow) {
  if (row.released_at !== null) return { signIn: [], directory: [] };
  const signIn: Scope[] = row.housing_unit_id === null ? [] : [unitScope(row.housing_unit_id)];
  if (row.tablet_serial !== null) {
    const serial = row.tablet_serial;
    const tablets = await typed(work.tx).all((db) =>
      db
        .selectFrom('devices as d')
        .innerJoin('device_serials as s', 's.device_id', 'd.id')
        .select('d.id')
        .where('d.facility_id', '=', row.facility_id)
        .where('d.profile', '=', 'tablet')
        .where('d.revoked_at', 'is', null)
        .where('s.serial', '=', serial),
    );
    signIn.push(...tablets.map(({ id }) => deviceScope(id)));
  }
  return { signIn, directory: [directoryScope(row.facility_id)] };
}

/**
 * Sends a resident's records to where they may be used now, and a tombstone to every scope that
 * held them before and no longer may (moved to another unit or tablet, released, or a scope of
 * an earlier release such as the facility scope): the device there deletes the resident's
 * credentials and data.
 */
export async function publishResident(work: Work, residentId: string): Promise<void> {
  const q = typed(work.tx);
  const row = await q.first((db) =>
    db.selectFrom('residents').selectAll().where('id', '=', residentId),
  );
  if (!row) return;
  const audience = await residentAudience(work, row);
  const now = new Set<string>();
  if (audience.signIn.length > 0) {
    const data = residentData(row, await facilityBadgeKey(work, row.facility_id));
    for (const scope of audience.signIn) {
      work.changes.upsert(scope, 'resident', row.id, data);
      now.add(scopeKey(scope, 'resident'));
    }
  }
  for (const scope of audience.directory) {
    work.changes.upsert(scope, 'directory_entry', row.id, directoryEntry(row));
    now.add(scopeKey(scope, 'directory_entry'));
  }
  const held = await q.all((db) =>
    db
      .selectFrom('changes')
      .select(['scope_kind', 'scope_id', 'entity'])
      .where('entity_id', '=', row.id)
      .where('entity', 'in', ['resident', 'directory_entry'])
      .where('op', '=', 'upsert'),
  );
  for (const { scope_kind, scope_id, entity } of held) {
    const kind = SCOPE_KINDS.find((known) => known === scope_kind);
    if (!kind) throw new Error(`a change of resident ${row.id} has an unknown scope ${scope_kind}`);
    const scope: Scope = { kind, id: scope_id };
    if (!now.has(scopeKey(scope, entity)))
      work.changes.remove(scope, entity === 'resident' ? 'resident' : 'directory_entry', row.id);
  }
}

/**
 * What a device that signs residents in needs in its own scope: where it stands (a kiosk's
 * housing unit, whose scope it then pulls) and the facility's badge key.
 */
export async function publishSignInSetup(
  work: Work,
  device: { id: string; facilityId: string; housingUnitId: string | null },
) {
  const scope = deviceScope(device.id);
  work.changes.upsert(scope, 'assignment', device.id, {
    id: device.id,
    housingUnitId: device.housingUnitId,
  });
  const key = await facilityBadgeKey(work, device.facilityId);
  work.changes.upsert(scope, 'badge_key', key.id, key);
}

/** The resident's account as devices see it, from a balances row. */
export function publishAccount(
  work: Work,
  residentId: string,
  balance: { stamps: number; cents: number },
) {
  work.changes.upsert(residentScope(residentId), 'account', residentId, {
    id: residentId,
    stamps: balance.stamps,
    spendableCents: balance.cents,
  });
}

export function publishLedgerEntry(work: Work, entry: LedgerEntryData): void {
  work.changes.upsert(residentScope(entry.residentId), 'ledger_entry', entry.id, entry);
}

export async function publishContact(work: Work, residentId: string, customerId: string) {
  const row = await typed(work.tx).first((db) =>
    db
      .selectFrom('customers as c')
      .leftJoin('reply_holdings as h', (join) =>
        join.onRef('h.customer_id', '=', 'c.id').on('h.resident_id', '=', residentId),
      )
      .select(['c.display_name', 'h.stamps'])
      .where('c.id', '=', customerId),
  );
  if (!row) return;
  work.changes.upsert(residentScope(residentId), 'contact', customerId, {
    id: customerId,
    residentId,
    displayName: row.display_name,
    prepaidReplyStamps: row.stamps ?? 0,
  });
}

export interface MessageRow {
  id: string;
  facility_id: string;
  resident_id: string;
  customer_id: string;
  direction: MessageData['direction'];
  kind: MessageData['kind'];
  subject: string;
  body: string;
  attachments: string;
  status: MessageData['status'];
  timeline: string;
  stamps_charged: number;
  prepaid_used: number;
  prepaid_attached: number;
  sent_at: string;
  expected_by: string;
  reject_reason: MessageData['rejectReason'];
  flags: string;
  escalated: number;
  /** JSON: stamps each attachment cost when sent (money/mail-refunds.ts). */
  item_stamps: string | null;
  /** JSON: attachments review rejected while the text was released, with their reasons. */
  withheld: string;
  refunded_stamps: number;
  [key: string]: unknown;
}

const MESSAGE = MessageDataSchema.shape;

/** A stored message with its enumerated columns checked against the protocol's values. */
export function messageRow(row: Selectable<CentralDatabase['messages']>): MessageRow {
  return {
    ...row,
    direction: MESSAGE.direction.parse(row.direction),
    kind: MESSAGE.kind.parse(row.kind),
    status: MESSAGE.status.parse(row.status),
    reject_reason: MESSAGE.rejectReason.parse(row.reject_reason),
  };
}

/**
 * The message as its resident's devices see it: the sender's view of the resident's own
 * (outbound) mail, the recipient's view of inbound mail.
 */
function messageData(row: MessageRow): MessageData {
  return messageView(row, row.direction === 'outbound');
}

/**
 * The sender sees the attachments review withheld, with their reasons, and the stamps refunded;
 * the recipient does not get withheld attachments at all, as if they were never sent.
 */
export function messageView(row: MessageRow, sender: boolean): MessageData {
  const withheld = JSON.parse(row.withheld) as MessageData['withheldAttachments'];
  const hidden = new Set(sender ? [] : withheld.map((item) => item.sha256));
  const attachments = (JSON.parse(row.attachments) as MessageData['attachments']).filter(
    (attachment) => !hidden.has(attachment.sha256),
  );
  return {
    id: row.id,
    residentId: row.resident_id,
    customerId: row.customer_id,
    direction: row.direction,
    kind: row.kind,
    subject: row.subject,
    body: row.body,
    attachments,
    status: row.status,
    timeline: JSON.parse(row.timeline),
    stampsCharged: row.stamps_charged,
    prepaidStampsUsed: row.prepaid_used,
    prepaidReplyStampsAttached: row.prepaid_attached,
    sentAt: row.sent_at,
    expectedDeliveryBy: row.expected_by,
    rejectReason: row.reject_reason,
    withheldAttachments: sender ? withheld : [],
    refundedStamps: sender ? Number(row.refunded_stamps) : 0,
  };
}

export async function publishMessage(work: Work, messageId: string): Promise<void> {
  const row = await typed(work.tx).first((db) =>
    db.selectFrom('messages').selectAll().where('id', '=', messageId),
  );
  if (row) await publishMessageRow(work, messageRow(row));
}

/** Inbound statuses past the review gate: only these reach the resident's devices. */
const RELEASED_STATUSES: readonly MessageData['status'][] = ['released', 'delivered', 'read'];

/**
 * The review gate: a resident's devices see their own outbound mail in every status, and an
 * inbound message only once it is released. Until then they know nothing of it (no change is
 * recorded); after a rejection only the sender sees it.
 */
export function residentMaySee(row: Pick<MessageRow, 'direction' | 'status'>): boolean {
  return row.direction === 'outbound' || isReleased(row.status);
}

export function isReleased(status: MessageData['status']): boolean {
  return RELEASED_STATUSES.includes(status);
}

/** The last change a resident's devices were sent for a message, if any (every inbound send asks). */
const sentMessageChange = prepared((db, p: { residentId: string; id: string }) =>
  db
    .selectFrom('changes')
    .select('op')
    .where('scope_kind', '=', 'resident')
    .where('scope_id', '=', p.residentId)
    .where('entity', '=', 'message')
    .where('entity_id', '=', p.id),
);

/**
 * Sends a message down to its resident's devices, or, once they may no longer see it (a release
 * revoked, or a message an earlier build published while in review), a tombstone: the device
 * deletes it with its attachments. A message devices never had gets no change at all.
 */
export async function publishMessageRow(work: Work, row: MessageRow): Promise<void> {
  const scope = residentScope(row.resident_id);
  if (residentMaySee(row)) {
    work.changes.upsert(scope, 'message', row.id, messageData(row));
    return;
  }
  const sent = await typed(work.tx).first(sentMessageChange, {
    residentId: row.resident_id,
    id: row.id,
  });
  if (sent?.op === 'upsert') work.changes.remove(scope, 'message', row.id);
}

export function publishTicket(work: Work, ticket: TicketData): void {
  work.changes.upsert(residentScope(ticket.residentId), 'ticket', ticket.id, ticket);
}

export function publishTicketMessage(work: Work, residentId: string, message: TicketMessageData) {
  work.changes.upsert(residentScope(residentId), 'ticket_message', message.id, message);
}

export function publishReleaseRequest(work: Work, request: ReleaseRequestData): void {
  work.changes.upsert(residentScope(request.residentId), 'release_request', request.id, request);
}

export function publishBlock(work: Work, facilityId: string, block: BlockData): void {
  work.changes.upsert(facilityScope(facilityId), 'block', block.id, block);
}

export function removeBlock(work: Work, facilityId: string, blockId: string): void {
  work.changes.remove(facilityScope(facilityId), 'block', blockId);
}
