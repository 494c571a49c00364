import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO } from '../seed/demo';
import { startTestBackend, type TestBackend } from '../testing/test-backend';

let t: TestBackend;
beforeEach(async () => {
  t = await startTestBackend({ profile: 'lobby', residents: 12 });
});
afterEach(() => t.close());

const card = {
  brand: 'visa',
  last4: '4242',
  expiry: '2028-04',
  funding: 'credit',
  cardholderName: 'LINDA CARTER',
  token: 'tok_0123456789abcdef',
};

describe('lobby kiosk', () => {
  it('finds a resident by state and DOC number without any sign-in', async () => {
    const lobby = t.connect();
    expect(
      await lobby.invoke('lobby.findResident', { state: 'FL', docNumber: DEMO.docNumber(2) }),
    ).toMatchObject({
      ok: true,
      value: { resident: { residentId: DEMO.residentId(2), firstName: 'Robert' } },
    });
    expect(
      await lobby.invoke('lobby.findResident', { state: 'FL', docNumber: 'S999999' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('quotes the fee from the facility bands and warns about a credit card', async () => {
    const quote = await t.connect().invoke('lobby.quoteDeposit', {
      residentId: DEMO.residentId(0),
      channel: 'kiosk_card',
      amountCents: 5000,
      card,
    });
    expect(quote).toMatchObject({
      ok: true,
      value: { feeCents: 295, totalCents: 5295, allowed: true, cardWarning: 'credit_cash_advance' },
    });
  });

  it('explains a chargeback block and what is still possible', async () => {
    const quote = await t.connect().invoke('lobby.quoteDeposit', {
      residentId: DEMO.residentId(11),
      channel: 'kiosk_card',
      amountCents: 5000,
    });
    expect(quote).toMatchObject({
      ok: true,
      value: { allowed: false, blockReasons: ['resident_card_chargeback'] },
    });
    const stillPossible = quote.ok
      ? (quote.value as { stillPossible: string[] }).stillPossible
      : [];
    expect(stillPossible).toContain('kiosk_cash');
    expect(stillPossible).not.toContain('kiosk_card');
  });

  it('refuses amounts outside the bands and payments without hardware', async () => {
    const lobby = t.connect();
    expect(
      await lobby.invoke('lobby.quoteDeposit', {
        residentId: DEMO.residentId(0),
        channel: 'kiosk_cash',
        amountCents: 50,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { reason: 'below_minimum' } },
    });
    expect(
      await lobby.invoke('lobby.deposit', {
        residentId: DEMO.residentId(0),
        amountCents: 5000,
        payment: { kind: 'card', card },
        depositorName: 'Linda Carter',
      }),
    ).toMatchObject({ ok: false, error: { code: 'device_unavailable' } });
  });

  it('has no resident sign-in, and resident methods need one', async () => {
    const lobby = t.connect();
    expect(
      await lobby.invoke('auth.login', {
        method: 'doc',
        state: 'FL',
        docNumber: DEMO.docNumber(0),
        pin: DEMO.pin,
      }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await lobby.invoke('mail.list', { folder: 'inbox' })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });
});

describe('lobby methods elsewhere', () => {
  it('are forbidden on a housing-unit kiosk', async () => {
    await t.close();
    t = await startTestBackend({ profile: 'kiosk' });
    expect(
      await t.connect().invoke('lobby.findResident', { state: 'FL', docNumber: DEMO.docNumber(0) }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
