import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChargebackSchema,
  applyMoneyOrder,
  evaluateDeposit,
  resolveChargeback,
  type Chargeback,
  type ChargebackKind,
} from './blocks';
import { DEPOSIT_CHANNELS } from './types';

function chargeback(
  id: string,
  kind: ChargebackKind,
  customerId: string,
  residentId: string,
  amountCents = 5000,
  openedAt = '2026-10-01T00:00:00Z',
): Chargeback {
  return ChargebackSchema.parse({
    id,
    kind,
    customerId,
    residentId,
    amountCents,
    recoveredCents: 0,
    openedAt,
    resolvedAt: null,
  });
}

const paperAndCash = ['money_order', 'moneygram', 'kiosk_cash'];

describe('bank-card chargeback by C on a deposit to R (docs/rules.md Blocks)', () => {
  const blocks = [chargeback('cb1', 'bank_card', 'carol', 'rex')];

  it('blocks C from bank-card deposits to anyone, kiosk card included', () => {
    for (const channel of ['bank_card', 'kiosk_card'] as const) {
      const decision = evaluateDeposit(blocks, {
        customerId: 'carol',
        residentId: 'other',
        channel,
      });
      expect(decision.allowed).toBe(false);
      expect(decision.reasons).toEqual([
        { code: 'customer_card_chargeback', chargebackIds: ['cb1'] },
      ]);
    }
  });

  it('blocks R from receiving bank-card deposits from anyone', () => {
    const decision = evaluateDeposit(blocks, {
      customerId: 'dan',
      residentId: 'rex',
      channel: 'bank_card',
    });
    expect(decision.allowed).toBe(false);
    expect(decision.reasons).toEqual([
      { code: 'resident_card_chargeback', chargebackIds: ['cb1'] },
    ]);
  });

  it('still allows money order and MoneyGram to both (and kiosk cash, by decision)', () => {
    const decision = evaluateDeposit(blocks, {
      customerId: 'carol',
      residentId: 'rex',
      channel: 'money_order',
    });
    expect(decision.allowed).toBe(true);
    expect(decision.allowedChannels).toEqual(paperAndCash);
    expect(decision.reasons.map((r) => r.code)).toEqual([
      'customer_card_chargeback',
      'resident_card_chargeback',
    ]);
  });

  it('does not touch unrelated customers and residents', () => {
    const decision = evaluateDeposit(blocks, {
      customerId: 'dan',
      residentId: 'sam',
      channel: 'bank_card',
    });
    expect(decision).toEqual({
      allowed: true,
      reasons: [],
      allowedChannels: [...DEPOSIT_CHANNELS],
      moneyOrderSettles: [],
    });
  });
});

describe('money-order / check chargeback or stop payment by C to R (docs/rules.md Blocks)', () => {
  it.each(['money_order', 'personal_check', 'stop_payment'] as const)(
    '%s blocks R from bank-card deposits from anyone, money order and MoneyGram still allowed',
    (kind) => {
      const blocks = [chargeback('cb2', kind, 'carol', 'rex')];
      const decision = evaluateDeposit(blocks, {
        customerId: 'dan',
        residentId: 'rex',
        channel: 'kiosk_card',
      });
      expect(decision.allowed).toBe(false);
      expect(decision.reasons).toEqual([
        { code: 'resident_money_order_chargeback', chargebackIds: ['cb2'] },
      ]);
      expect(decision.allowedChannels).toEqual(paperAndCash);
    },
  );

  it('does not block C from bank-card deposits to someone else', () => {
    const blocks = [chargeback('cb2', 'money_order', 'carol', 'rex')];
    expect(
      evaluateDeposit(blocks, { customerId: 'carol', residentId: 'sam', channel: 'bank_card' })
        .allowed,
    ).toBe(true);
  });
});

describe('a later money order from C to R settles C’s chargebacks first (docs/rules.md Blocks)', () => {
  const blocks = [
    chargeback('late', 'bank_card', 'carol', 'rex', 3000, '2026-10-05T00:00:00Z'),
    chargeback('early', 'money_order', 'carol', 'rex', 2000, '2026-10-01T00:00:00Z'),
    chargeback('other', 'money_order', 'carol', 'sam', 9999),
  ];

  it('says which chargebacks a money order would settle', () => {
    expect(
      evaluateDeposit(blocks, { customerId: 'carol', residentId: 'rex', channel: 'money_order' })
        .moneyOrderSettles,
    ).toEqual(['early', 'late']);
  });

  it('settles oldest first and credits the remainder to R', () => {
    const result = applyMoneyOrder(blocks, {
      customerId: 'carol',
      residentId: 'rex',
      amountCents: 6000,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.settlements).toEqual([
      { chargebackId: 'early', appliedCents: 2000 },
      { chargebackId: 'late', appliedCents: 3000 },
    ]);
    expect(result.value.creditedCents).toBe(1000);
    expect(result.value.chargebacks.map((cb) => cb.recoveredCents)).toEqual([3000, 2000, 0]);
  });

  it('a partial settlement keeps the block; a full one lifts it', () => {
    const partial = applyMoneyOrder(blocks, {
      customerId: 'carol',
      residentId: 'rex',
      amountCents: 2500,
    });
    if (!partial.ok) throw new Error('refused');
    expect(partial.value.creditedCents).toBe(0);
    const stillBlocked = evaluateDeposit(partial.value.chargebacks, {
      customerId: 'dan',
      residentId: 'rex',
      channel: 'bank_card',
    });
    expect(stillBlocked.reasons).toEqual([
      { code: 'resident_card_chargeback', chargebackIds: ['late'] },
    ]);

    const rest = applyMoneyOrder(partial.value.chargebacks, {
      customerId: 'carol',
      residentId: 'rex',
      amountCents: 2500,
    });
    if (!rest.ok) throw new Error('refused');
    const lifted = evaluateDeposit(rest.value.chargebacks, {
      customerId: 'carol',
      residentId: 'rex',
      channel: 'bank_card',
    });
    expect(lifted.allowed).toBe(true);
    expect(lifted.reasons).toEqual([]);
  });

  it('a money order from someone else settles nothing', () => {
    const result = applyMoneyOrder(blocks, {
      customerId: 'dan',
      residentId: 'rex',
      amountCents: 500,
    });
    expect(result).toMatchObject({ ok: true, value: { settlements: [], creditedCents: 500 } });
  });

  it('refuses a bad amount with a typed error, leaving chargebacks untouched', () => {
    for (const amountCents of [0, -1, 1.5]) {
      expect(
        applyMoneyOrder(blocks, { customerId: 'carol', residentId: 'rex', amountCents }),
      ).toMatchObject({
        ok: false,
        error: { code: 'invalid_amount' },
      });
    }
    expect(blocks.every((cb) => cb.recoveredCents === 0)).toBe(true);
  });

  it('conserves cents and never over-recovers (property)', () => {
    const arbitraryChargeback = fc.record({
      id: fc.uuid(),
      kind: fc.constantFrom('bank_card', 'money_order', 'personal_check', 'stop_payment'),
      customerId: fc.constantFrom('carol', 'dan'),
      residentId: fc.constantFrom('rex', 'sam'),
      amountCents: fc.integer({ min: 1, max: 50_000 }),
      recoveredCents: fc.constant(0),
      openedAt: fc.constantFrom('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
      resolvedAt: fc.constantFrom(null, '2026-03-01T00:00:00Z'),
    }) as fc.Arbitrary<Chargeback>;
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitraryChargeback, { selector: (cb) => cb.id, maxLength: 8 }),
        fc.integer({ min: 1, max: 200_000 }),
        (chargebacks, amountCents) => {
          const result = applyMoneyOrder(chargebacks, {
            customerId: 'carol',
            residentId: 'rex',
            amountCents,
          });
          if (!result.ok) throw new Error('refused');
          const applied = result.value.settlements.reduce((sum, s) => sum + s.appliedCents, 0);
          expect(applied + result.value.creditedCents).toBe(amountCents);
          const before = chargebacks.reduce((sum, cb) => sum + cb.recoveredCents, 0);
          const after = result.value.chargebacks.reduce((sum, cb) => sum + cb.recoveredCents, 0);
          expect(after - before).toBe(applied);
          for (const cb of result.value.chargebacks) {
            expect(ChargebackSchema.safeParse(cb).success).toBe(true);
          }
        },
      ),
    );
  });
});

describe('resolution lifts blocks (docs/rules.md Blocks: settled or otherwise resolved)', () => {
  it('a resolved chargeback no longer blocks', () => {
    const resolved = resolveChargeback(
      chargeback('cb1', 'bank_card', 'carol', 'rex'),
      '2026-11-01T00:00:00Z',
    );
    if (!resolved.ok) throw new Error('refused');
    const decision = evaluateDeposit([resolved.value], {
      customerId: 'carol',
      residentId: 'rex',
      channel: 'bank_card',
    });
    expect(decision.allowed).toBe(true);
    expect(decision.moneyOrderSettles).toEqual([]);
  });

  it('refuses a bad instant and malformed chargeback records', () => {
    expect(resolveChargeback(chargeback('cb1', 'bank_card', 'c', 'r'), 'soon')).toMatchObject({
      ok: false,
      error: { code: 'invalid_instant' },
    });
    const bad = ChargebackSchema.safeParse({
      ...chargeback('cb1', 'bank_card', 'c', 'r'),
      recoveredCents: 6000,
    });
    expect(bad.success).toBe(false);
  });
});
