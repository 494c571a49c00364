import { describe, expect, it, vi } from 'vitest';
import type { CardResult } from '../../electron/contract';
import { Refusal } from '../testing/fake-bridge';
import { NOW } from '../testing/fixtures';
import { connect } from '../testing/render';
import { useHardware } from './hardware';
import { useLobby } from './lobby';

const resident = {
  residentId: 'res-1',
  firstName: 'Ana',
  lastName: 'Lopez',
  docNumber: 'S100001',
  state: 'FL',
  facilityName: 'Riverside',
};
const credit: CardResult = {
  brand: 'visa',
  last4: '4242',
  expiry: '2029-04',
  funding: 'credit',
  cardholderName: 'MARIA LOPEZ',
  token: 'tok_0123456789abcdef',
};

function backend() {
  return connect({
    'lobby.findResident': ({ docNumber }) => {
      if (docNumber !== 'S100001') throw new Refusal({ code: 'not_found', message: 'no one' });
      return { resident };
    },
    'lobby.quoteDeposit': ({ amountCents, card }) => ({
      amountCents,
      feeCents: 295,
      totalCents: amountCents + 295,
      allowed: true,
      blockReasons: [],
      stillPossible: [],
      cardWarning: card?.funding === 'credit' ? 'credit_cash_advance' : null,
    }),
    'payment.cardStart': () => ({}),
    'lobby.deposit': ({ amountCents, payment }) => ({
      depositId: 'dep-1',
      residentId: 'res-1',
      amountCents,
      feeCents: 295,
      totalCents: amountCents + 295,
      channel: payment.kind === 'card' ? 'kiosk_card' : 'kiosk_cash',
      status: 'pending',
      at: NOW,
      receipt: { jobId: 'job-1', status: 'queued', error: null },
      cash: null,
    }),
  });
}

describe('lobby deposit', () => {
  it('finds, confirms, quotes, warns about a credit card, and deposits', async () => {
    const { bridge } = backend();
    await useLobby.getState().find('FL', 'S100001');
    expect(useLobby.getState().step).toBe('confirm');
    useLobby.getState().confirmResident();
    await useLobby.getState().quoteFor(5000, 'Maria Lopez', 'card');
    expect(useLobby.getState().quote).toMatchObject({
      feeCents: 295,
      totalCents: 5295,
      cardWarning: null,
    });
    useLobby.getState().startPaying();
    await useHardware.getState().startCard();
    bridge.emit('hardware.cardRead', credit);
    expect(useHardware.getState().card).toEqual({ status: 'read', result: credit });
    await useLobby.getState().requoteWithCard(credit);
    expect(useLobby.getState().quote?.cardWarning).toBe('credit_cash_advance');
    await useLobby.getState().deposit({ kind: 'card', card: credit }, 'es');
    expect(useLobby.getState()).toMatchObject({ step: 'done', receipt: { depositId: 'dep-1' } });
    expect(bridge.calls.at(-1)?.input).toMatchObject({
      depositorName: 'Maria Lopez',
      locale: 'es',
    });
  });

  it('says so when nobody matches, and stays on the search', async () => {
    backend();
    await useLobby.getState().find('FL', 'S999999');
    expect(useLobby.getState()).toMatchObject({ step: 'find', error: { code: 'not_found' } });
  });

  it('ignores a card read nobody asked for', async () => {
    const { bridge } = backend();
    bridge.emit('hardware.cardRead', credit);
    await vi.waitFor(() => expect(useHardware.getState().card.status).toBe('idle'));
  });
});
