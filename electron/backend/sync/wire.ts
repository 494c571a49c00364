import {
  ATTACHMENT_KINDS,
  MUTATION_ARGS,
  type AttachmentRef,
  type MutationName,
} from '../../../sync/protocol';
import type { Store } from '../store';

/**
 * The services write outbox rows in the backend's own words (names like `tickets.file`, args
 * shaped like local rows). The central service speaks the protocol's mutations. This module is
 * the one translation between them; a row it cannot translate goes out unchanged, the server
 * rejects it permanently (unknown_mutation / invalid_args) and it no longer blocks the queue.
 */
export interface WireMutation {
  name: string;
  args: unknown;
}

type Args = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Local name -> protocol name, for the names that differ. */
const RENAMED: Record<string, MutationName> = {
  'tickets.file': 'ticket.file',
  'tickets.reply': 'ticket.reply',
  'account.requestRelease': 'release.request',
  'lobby.deposit': 'deposit.create',
};

/** The protocol's name for a local mutation name. */
export const wireName = (name: string): string => RENAMED[name] ?? name;

export function toWire(store: Store, name: string, args: unknown): WireMutation {
  const wireName = RENAMED[name] ?? name;
  const schema = (MUTATION_ARGS as Record<string, (typeof MUTATION_ARGS)[MutationName]>)[wireName];
  if (!schema || typeof args !== 'object' || args === null) return { name: wireName, args };
  if (schema.safeParse(args).success) return { name: wireName, args };
  const local = args as Args;
  switch (wireName) {
    case 'mail.send':
      return { name: wireName, args: mailSend(store, local) };
    case 'mail.markRead': {
      const messageId = str(local.messageId);
      const residentId = messageId && store.mail.byId(messageId)?.residentId;
      return { name: wireName, args: { messageId, residentId, readAt: local.readAt ?? local.at } };
    }
    case 'ticket.reply':
      return {
        name: wireName,
        args: {
          ticketId: local.ticketId,
          ticketMessageId: local.ticketMessageId ?? local.messageId,
          residentId:
            local.residentId ??
            (str(local.ticketId) && store.tickets.byId(str(local.ticketId)!)?.residentId),
          body: local.body,
        },
      };
    case 'stamps.purchase':
      return { name: wireName, args: purchase(local) };
    case 'release.request':
      return { name: wireName, args: { ...local, requestId: local.requestId ?? local.id } };
    case 'deposit.create':
      return { name: wireName, args: deposit(local) };
    default:
      return { name: wireName, args };
  }
}

/**
 * A bundle bought at the kiosk, from the account or paid there: cash as one "bill" keyed by the
 * cash session (as deposits do: the session is credited at most once), or the card charge the
 * central service captured (`chargeId`). A card row without a charge is sent without one and the
 * service refuses it: money is credited only for a captured charge.
 */
function purchase(local: Args): Args {
  return {
    purchaseId: local.purchaseId ?? local.id,
    residentId: local.residentId,
    bundleId: local.bundleId,
    ...(typeof local.priceCents === 'number' ? { expectedPriceCents: local.priceCents } : {}),
    ...(local.paymentKind === 'cash'
      ? {
          payment: {
            kind: 'kiosk_cash',
            bills: [{ billId: local.cashSessionId, cents: local.cashCents }],
          },
        }
      : {}),
    ...(local.paymentKind === 'card'
      ? { payment: { kind: 'kiosk_card', chargeId: local.chargeId } }
      : {}),
  };
}

function mailSend(store: Store, local: Args): Args {
  const messageId = str(local.messageId);
  const attachments: AttachmentRef[] = messageId
    ? store.mail
        .attachments(messageId)
        .filter((row) => (ATTACHMENT_KINDS as readonly string[]).includes(row.kind))
        .map((row) => ({
          sha256: row.contentHash,
          mime: row.mimeType as AttachmentRef['mime'],
          size: row.sizeBytes,
          kind: row.kind as AttachmentRef['kind'],
        }))
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

/**
 * A lobby deposit row. Card: the captured charge's id only (no card data at all). Cash: the
 * amount and the fee the kiosk printed, and the cash session sent as one bill of amount plus fee
 * carrying the session id, which keeps the credit idempotent per session.
 */
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
