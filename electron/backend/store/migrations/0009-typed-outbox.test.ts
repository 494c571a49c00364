import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUTATION_ARGS, type MutationName } from '../../../../sync/protocol';
import { tempDir } from '../../testing/temp-dir';
import { openDatabase, type SqliteDatabase } from '../database';
import { schemaVersion } from '../migrate';

/**
 * A device file from the release before typed outbox rows: still-queued rows in the backend's
 * own words, exactly as its services wrote them (names like `tickets.file`, args shaped like
 * local rows). Opening it with this release rewrites them once into protocol mutations.
 */
const at = '2026-03-01T10:00:00.000Z';
const ids = {
  message: randomUUID(),
  inbound: randomUUID(),
  ticket: randomUUID(),
  reply: randomUUID(),
  release: randomUUID(),
  purchase: randomUUID(),
  cashPurchase: randomUUID(),
  cardDeposit: randomUUID(),
  cashDeposit: randomUUID(),
  cashSession: randomUUID(),
  stampSession: randomUUID(),
};
const sha256 = 'ab'.repeat(32);
const cardRow = {
  residentId: 'r1',
  cardBrand: 'visa',
  cardLast4: '4242',
  cardExpiry: '2030-12',
  cardFunding: 'debit',
  cardToken: 'a'.repeat(64),
  depositorName: 'Maria',
  status: 'pending',
  createdAt: at,
};

/** name, old args, state: what the previous release left in the outbox. */
const OLD_ROWS: [string, object, string][] = [
  [
    'mail.send',
    {
      messageId: ids.message,
      residentId: 'r1',
      contactId: 'c1',
      customerId: 'cust1',
      subject: 'Hola',
      body: 'Te escribo',
      ecard: false,
      replyToMessageId: null,
      stamps: { total: 2, fromBalance: 2, prepaid: {} },
      at,
    },
    'pending',
  ],
  ['mail.markRead', { messageId: ids.inbound, at }, 'sent'],
  [
    'tickets.file',
    {
      ticketId: ids.ticket,
      residentId: 'r1',
      tabletSerial: 'TAB-0001',
      category: 'charging',
      description: 'No charge',
      suggestionsShown: ['kb-1'],
    },
    'pending',
  ],
  [
    'tickets.reply',
    { ticketId: ids.ticket, messageId: ids.reply, body: 'Still broken', at },
    'pending',
  ],
  [
    'account.requestRelease',
    {
      id: ids.release,
      residentId: 'r1',
      tabletSerial: 'TAB-0001',
      agencyAddress: 'FDC, Tallahassee',
      firstName: 'Ana',
      lastName: 'Diaz',
      docNumber: 'S100001',
      phone: '+1 850 555 0100',
      returnAddress: '1 Main St, Miami FL',
      status: 'requested',
      createdAt: at,
    },
    'pending',
  ],
  [
    'stamps.purchase',
    {
      id: ids.purchase,
      residentId: 'r1',
      bundleId: 'bundle-5',
      stamps: 5,
      priceCents: 200,
      promotionId: null,
      paymentKind: 'account',
      cardBrand: null,
      cardLast4: null,
      cardToken: null,
      cashSessionId: null,
      status: 'pending',
      createdAt: at,
      cardExpiry: null,
      cardFunding: null,
      cashCents: null,
      chargeId: null,
    },
    'pending',
  ],
  [
    'stamps.purchase',
    {
      id: ids.cashPurchase,
      residentId: 'r1',
      bundleId: 'bundle-5',
      stamps: 5,
      priceCents: 200,
      paymentKind: 'cash',
      cashSessionId: ids.stampSession,
      cashCents: 500,
      chargeId: null,
      status: 'pending',
      createdAt: at,
    },
    'pending',
  ],
  [
    'lobby.deposit',
    {
      ...cardRow,
      id: ids.cardDeposit,
      channel: 'kiosk_card',
      amountCents: 5000,
      feeCents: 295,
      cashSessionId: null,
      chargeId: 'pay_0123456789abcdef',
    },
    'pending',
  ],
  [
    'lobby.deposit',
    {
      ...cardRow,
      id: ids.cashDeposit,
      channel: 'kiosk_cash',
      amountCents: 5000,
      feeCents: 295,
      cardBrand: null,
      cardLast4: null,
      cardExpiry: null,
      cardFunding: null,
      cardToken: null,
      cashSessionId: ids.cashSession,
      chargeId: null,
    },
    'pending',
  ],
  ['auth.pinFailed', { residentId: 'r1', at }, 'pending'],
  // history and rows nobody can translate stay as they are
  ['tickets.file', { ticketId: randomUUID(), residentId: 'r1' }, 'applied'],
  ['no.such.mutation', { residentId: 'r1' }, 'pending'],
];

let dir: ReturnType<typeof tempDir>;
let path: string;
beforeEach(() => {
  dir = tempDir();
  path = join(dir.path, 'device.db');
  const old = openDatabase(path, { targetVersion: 7 });
  old.exec(`
    INSERT INTO residents (id, facility_id, state, doc_number, first_name, last_name, updated_at)
      VALUES ('r1', 'fac', 'FL', 'S100001', 'Ana', 'Diaz', '${at}');
    INSERT INTO contacts (id, resident_id, customer_id, display_name, email, updated_at)
      VALUES ('c1', 'r1', 'cust1', 'Maria', 'maria@example.com', '${at}');
    INSERT INTO messages (id, resident_id, contact_id, direction, status, subject, body, sort_at,
        updated_at)
      VALUES ('${ids.message}', 'r1', 'c1', 'outbound', 'queued', 'Hola', 'Te escribo', '${at}', '${at}'),
             ('${ids.inbound}', 'r1', 'c1', 'inbound', 'delivered', 'Hi', 'Hello', '${at}', '${at}');
    INSERT INTO message_attachments (id, message_id, kind, file_name, mime_type, size_bytes,
        content_hash)
      VALUES ('a1', '${ids.message}', 'photo', 'cake.jpg', 'image/jpeg', 2048, '${sha256}'),
             ('a2', '${ids.message}', 'ecard', 'card.png', 'image/png', 10, '${'cd'.repeat(32)}');
    INSERT INTO tickets (id, resident_id, tablet_serial, category, description, status,
        created_at, updated_at)
      VALUES ('${ids.ticket}', 'r1', 'TAB-0001', 'charging', 'No charge', 'queued', '${at}', '${at}');
  `);
  const insert = old.prepare(
    `INSERT INTO outbox (mutation_id, name, args_json, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  for (const [name, args, state] of OLD_ROWS) {
    insert.run(randomUUID(), name, JSON.stringify(args), state, at, at);
  }
  old.close();
});
afterEach(() => dir.cleanup());

function outbox(db: SqliteDatabase) {
  return db
    .prepare<[], { name: string; argsJson: string; state: string }>(
      'SELECT name, args_json AS argsJson, state FROM outbox ORDER BY seq',
    )
    .all()
    .map((row) => ({ ...row, args: JSON.parse(row.argsJson) as Record<string, unknown> }));
}

describe('migration 9: queued rows become protocol mutations', () => {
  it('rewrites every queued row the old services wrote into a valid protocol mutation', () => {
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(9);
    const rows = outbox(db);
    const queued = rows.slice(0, 10);
    expect(queued.map((row) => row.name)).toEqual([
      'mail.send',
      'mail.markRead',
      'ticket.file',
      'ticket.reply',
      'release.request',
      'stamps.purchase',
      'stamps.purchase',
      'deposit.create',
      'deposit.create',
      'auth.pinFailed',
    ]);
    for (const row of queued) {
      const parsed = MUTATION_ARGS[row.name as MutationName].safeParse(row.args);
      expect({ name: row.name, issues: parsed.error?.issues ?? [] }).toEqual({
        name: row.name,
        issues: [],
      });
    }
    const [send, read, , reply, release, fromAccount, byCash, byCard, cash] = queued;
    expect(send!.args).toMatchObject({
      kind: 'email',
      reservedStamps: 2,
      // the e-card design is not an attachment the service stores
      attachments: [{ sha256, mime: 'image/jpeg', size: 2048, kind: 'photo' }],
    });
    expect(read!.args).toEqual({ messageId: ids.inbound, residentId: 'r1', readAt: at });
    expect(reply!.args).toMatchObject({ ticketMessageId: ids.reply, residentId: 'r1' });
    expect(release!.args).toMatchObject({ requestId: ids.release, phone: '+1 850 555 0100' });
    expect(release!.args).not.toHaveProperty('agencyAddress');
    expect(fromAccount!.args).toEqual({
      purchaseId: ids.purchase,
      residentId: 'r1',
      bundleId: 'bundle-5',
      expectedPriceCents: 200,
    });
    expect(byCash!.args.payment).toEqual({
      kind: 'kiosk_cash',
      bills: [{ billId: ids.stampSession, cents: 500 }],
    });
    expect(byCard!.args).toEqual({
      channel: 'kiosk_card',
      depositId: ids.cardDeposit,
      residentId: 'r1',
      amountCents: 5000,
      chargeId: 'pay_0123456789abcdef',
      expectedFeeCents: 295,
    });
    // no card data travels, even though the old row held brand, last four and token
    expect(JSON.stringify(byCard!.args)).not.toMatch(/token|last4|brand|expir/i);
    expect(cash!.args).toMatchObject({
      feeCents: 295,
      bills: [{ billId: ids.cashSession, cents: 5295 }],
    });
    db.close();
  });

  it('leaves settled history and rows it cannot translate as they were', () => {
    const db = openDatabase(path);
    const [settled, unknown] = outbox(db).slice(10);
    expect(settled).toMatchObject({ name: 'tickets.file', state: 'applied' });
    expect(unknown).toMatchObject({ name: 'no.such.mutation', args: { residentId: 'r1' } });
    db.close();
  });
});
