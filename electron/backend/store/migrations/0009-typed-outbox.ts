import type { Database } from 'better-sqlite3';
import { ATTACHMENT_KINDS, MUTATION_ARGS, type MutationName } from '../../../../sync/protocol';
import type { Migration } from './migration';

/**
 * Services now queue protocol mutations, checked at enqueue (store.ts `enqueueMutation`). Rows
 * queued by earlier releases, still waiting to be pushed, were in the backend's own words and
 * were translated at push time; this one-time step rewrites them to the protocol's names and
 * args, so the push sends rows as stored. A row already valid is left as it is; a row that cannot
 * be made valid is left too (the central service refuses it for good and the queue moves on, as
 * before). Settled rows are history and are not touched.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'typed-outbox',
  up(db) {
    const rows = db
      .prepare<[], { seq: number; name: string; argsJson: string }>(
        `SELECT seq, name, args_json AS argsJson FROM outbox WHERE state IN ('pending', 'sent')`,
      )
      .all();
    const update = db.prepare('UPDATE outbox SET name = ?, args_json = ? WHERE seq = ?');
    for (const row of rows) {
      const args = JSON.parse(row.argsJson) as unknown;
      if (typeof args !== 'object' || args === null) continue;
      const rewritten = rewrite(db, row.name, args as Args);
      if (rewritten) update.run(rewritten.name, JSON.stringify(rewritten.args), row.seq);
    }
  },
};

type Args = Record<string, unknown>;

/** Local name -> protocol name, for the names that differed. */
const RENAMED: Record<string, MutationName> = {
  'tickets.file': 'ticket.file',
  'tickets.reply': 'ticket.reply',
  'account.requestRelease': 'release.request',
  'lobby.deposit': 'deposit.create',
};

const isMutationName = (name: string): name is MutationName => Object.hasOwn(MUTATION_ARGS, name);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The protocol mutation for an old row, or undefined when it is already valid or unknown. */
function rewrite(db: Database, localName: string, local: Args) {
  const name = RENAMED[localName] ?? localName;
  if (!isMutationName(name)) return undefined;
  if (name === localName && MUTATION_ARGS[name].safeParse(local).success) return undefined;
  const args = translate(db, name, local);
  const parsed = MUTATION_ARGS[name].safeParse(args);
  return { name, args: parsed.success ? parsed.data : args };
}

function translate(db: Database, name: MutationName, local: Args): unknown {
  switch (name) {
    case 'mail.send':
      return mailSend(db, local);
    case 'mail.markRead':
      return {
        messageId: local.messageId,
        residentId: local.residentId ?? residentOf(db, 'messages', text(local.messageId)),
        readAt: local.readAt ?? local.at,
      };
    case 'ticket.file':
      return {
        ticketId: local.ticketId,
        residentId: local.residentId,
        tabletSerial: local.tabletSerial,
        category: local.category,
        description: local.description,
      };
    case 'ticket.reply':
      return {
        ticketId: local.ticketId,
        ticketMessageId: local.ticketMessageId ?? local.messageId,
        residentId: local.residentId ?? residentOf(db, 'tickets', text(local.ticketId)),
        body: local.body,
      };
    case 'release.request':
      return {
        requestId: local.requestId ?? local.id,
        residentId: local.residentId,
        tabletSerial: local.tabletSerial,
        firstName: local.firstName,
        lastName: local.lastName,
        phone: local.phone,
        returnAddress: local.returnAddress,
      };
    case 'stamps.purchase':
      return purchase(local);
    case 'deposit.create':
      return deposit(local);
    default:
      return local;
  }
}

function residentOf(db: Database, table: 'messages' | 'tickets', id: string | undefined) {
  if (!id) return undefined;
  return db
    .prepare<[string], { residentId: string }>(
      `SELECT resident_id AS residentId FROM ${table} WHERE id = ?`,
    )
    .get(id)?.residentId;
}

function mailSend(db: Database, local: Args): Args {
  const messageId = text(local.messageId);
  const attachments = messageId
    ? db
        .prepare<[string], { kind: string; mime: string; size: number; sha256: string }>(
          `SELECT kind, mime_type AS mime, size_bytes AS size, content_hash AS sha256
             FROM message_attachments WHERE message_id = ? ORDER BY rowid`,
        )
        .all(messageId)
        .filter((row) => (ATTACHMENT_KINDS as readonly string[]).includes(row.kind))
        .map(({ sha256, mime, size, kind }) => ({ sha256, mime, size, kind }))
    : [];
  const stamps = local.stamps as { total?: unknown } | undefined;
  return {
    messageId,
    residentId: local.residentId,
    customerId: local.customerId,
    kind: local.kind ?? (local.ecard === true ? 'ecard' : 'email'),
    subject: local.subject ?? '',
    body: local.body,
    attachments,
    ...(typeof stamps?.total === 'number' ? { reservedStamps: stamps.total } : {}),
  };
}

/** A kiosk purchase: cash as the session's one bill, a card as its captured charge. */
function purchase(local: Args): Args {
  const payment =
    local.paymentKind === 'cash'
      ? { kind: 'kiosk_cash', bills: [{ billId: local.cashSessionId, cents: local.cashCents }] }
      : local.paymentKind === 'card'
        ? { kind: 'kiosk_card', chargeId: local.chargeId }
        : undefined;
  return {
    purchaseId: local.purchaseId ?? local.id,
    residentId: local.residentId,
    bundleId: local.bundleId,
    ...(typeof local.priceCents === 'number' ? { expectedPriceCents: local.priceCents } : {}),
    ...(payment ? { payment } : {}),
  };
}

/** A lobby deposit: a card's charge id; cash as amount, fee and one bill of both. */
function deposit(local: Args): Args {
  const depositId = local.depositId ?? local.id;
  if (local.channel === 'kiosk_card') {
    return {
      channel: 'kiosk_card',
      depositId,
      residentId: local.residentId,
      amountCents: local.amountCents,
      chargeId: local.chargeId,
      expectedFeeCents: local.feeCents,
    };
  }
  const amountCents = Number(local.amountCents ?? 0);
  const feeCents = Number(local.feeCents ?? 0);
  return {
    channel: 'kiosk_cash',
    depositId,
    residentId: local.residentId,
    amountCents,
    feeCents,
    bills: [{ billId: local.cashSessionId, cents: amountCents + feeCents }],
  };
}
