import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MUTATION_ARGS, type MutationName } from '../../../sync/protocol';
import { openStore, type Store } from '../store';
import { TEST_STORE_KEY } from '../testing/store-key';
import { tempDir } from '../testing/temp-dir';
import { toWire } from './wire';

/**
 * Outbox rows exactly as the backend's services write them (electron/backend/services) must
 * reach the central service as valid protocol mutations.
 */
const at = '2026-03-01T10:00:00.000Z';
let dir: ReturnType<typeof tempDir>;
let store: Store;

beforeEach(() => {
  dir = tempDir();
  store = openStore(join(dir.path, 'device.db'), TEST_STORE_KEY);
  store.residents.upsert({
    id: 'r1',
    facilityId: 'fac',
    state: 'FL',
    docNumber: 'S1',
    firstName: 'Ana',
    lastName: 'Diaz',
    tabletSerial: 'TAB-1',
    housingUnitId: null,
    badgeHash: null,
    sourceScope: null,
    updatedAt: at,
  });
});
afterEach(() => {
  store.close();
  dir.cleanup();
});

const ticketId = randomUUID();
/** A lobby deposit row as the lobby service writes it (card: brand, last four, expiry, token). */
const cardDeposit = {
  id: randomUUID(),
  residentId: 'r1',
  channel: 'kiosk_card',
  amountCents: 5000,
  feeCents: 295,
  cardBrand: 'visa',
  cardLast4: '4242',
  cardExpiry: '2030-12',
  cardFunding: 'debit',
  cardToken: 'a'.repeat(64),
  cashSessionId: null,
  depositorName: 'Maria',
  status: 'pending',
  createdAt: at,
};
const cases: [string, MutationName, unknown][] = [
  [
    'tickets.file',
    'ticket.file',
    {
      ticketId,
      residentId: 'r1',
      tabletSerial: 'TAB-1',
      category: 'charging',
      description: 'No charge',
      suggestionsShown: [],
    },
  ],
  [
    'account.requestRelease',
    'release.request',
    {
      id: randomUUID(),
      residentId: 'r1',
      tabletSerial: 'TAB-1',
      agencyAddress: 'FDC, Tallahassee',
      firstName: 'Ana',
      lastName: 'Diaz',
      docNumber: 'S1',
      phone: '+1 850 555 0100',
      returnAddress: '1 Main St, Miami FL',
      status: 'requested',
      createdAt: at,
    },
  ],
  [
    'stamps.purchase',
    'stamps.purchase',
    {
      id: randomUUID(),
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
    },
  ],
  ['lobby.deposit', 'deposit.create', { ...cardDeposit, chargeId: 'pay_0123456789abcdef' }],
  [
    'lobby.deposit',
    'deposit.create',
    {
      ...cardDeposit,
      id: randomUUID(),
      channel: 'kiosk_cash',
      cardBrand: null,
      cardLast4: null,
      cardExpiry: null,
      cardFunding: null,
      cardToken: null,
      cashSessionId: randomUUID(),
    },
  ],
];

describe('toWire', () => {
  it.each(cases)('turns the local %s row into a valid %s', (local, wire, args) => {
    const translated = toWire(store, local, args);
    expect(translated.name).toBe(wire);
    const parsed = MUTATION_ARGS[wire].safeParse(translated.args);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('sends no card data, and a card row without a captured charge is not a valid mutation', () => {
    const { args } = toWire(store, 'lobby.deposit', cardDeposit) as { args: object };
    expect(JSON.stringify(args)).not.toMatch(/token|last4|brand|expir/i);
    expect(MUTATION_ARGS['deposit.create'].safeParse(args).success).toBe(false);
  });

  it('sends a kiosk purchase paid by card or cash with its payment', () => {
    const [, , purchase] = cases[2]!;
    const byCard = {
      ...(purchase as object),
      paymentKind: 'card',
      cardBrand: 'visa',
      cardLast4: '4242',
      cardToken: 'b'.repeat(64),
      cardExpiry: '2031-06',
      cardFunding: 'debit',
      cashCents: null,
    };
    const cashSessionId = randomUUID();
    const byCash = { ...(purchase as object), paymentKind: 'cash', cashSessionId, cashCents: 500 };
    const parse = (row: object) =>
      MUTATION_ARGS['stamps.purchase'].parse(toWire(store, 'stamps.purchase', row).args);
    expect(parse({ ...byCard, chargeId: 'pay_0123456789abcdef' }).payment).toEqual({
      kind: 'kiosk_card',
      chargeId: 'pay_0123456789abcdef',
    });
    expect(
      MUTATION_ARGS['stamps.purchase'].safeParse(toWire(store, 'stamps.purchase', byCard).args)
        .success,
    ).toBe(false);
    expect(parse(byCash).payment).toEqual({
      kind: 'kiosk_cash',
      bills: [{ billId: cashSessionId, cents: 500 }],
    });
    expect(parse(purchase as object).payment).toBeUndefined();
  });

  it('passes rows it does not know unchanged', () => {
    expect(toWire(store, 'no.such', { a: 1 })).toEqual({ name: 'no.such', args: { a: 1 } });
  });
});
