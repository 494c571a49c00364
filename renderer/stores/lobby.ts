import { create } from 'zustand';
import type {
  CardResult,
  CashSettlement,
  DepositQuote,
  DepositReceipt,
  LobbyResident,
} from '../../electron/contract';
import type { Locale } from '../../domain/types';
import { api, type UiError } from '../api';
import { actionCaller, busyCaller, renewActionKeys } from './calls';

export type LobbyStep = 'find' | 'confirm' | 'amount' | 'pay' | 'done';
export type LobbyMethod = 'card' | 'cash';

interface LobbyState {
  step: LobbyStep;
  resident: LobbyResident | null;
  amountCents: number;
  depositorName: string;
  method: LobbyMethod;
  /** The fee quote for the amount, refreshed once a card is read (credit/prepaid warning). */
  quote: DepositQuote | null;
  receipt: DepositReceipt | null;
  busy: boolean;
  error: UiError | null;
  find(state: string, docNumber: string): Promise<void>;
  confirmResident(): void;
  rejectResident(): void;
  quoteFor(amountCents: number, depositorName: string, method: LobbyMethod): Promise<void>;
  requoteWithCard(card: CardResult): Promise<void>;
  startPaying(): void;
  deposit(
    payment: { kind: 'card'; card: CardResult } | { kind: 'cash'; cashSessionId: string },
    locale: Locale,
  ): Promise<void>;
  /** Cash booked without a finish: its receipt when a bill went in, else back to the start. */
  cashSettled(settlement: CashSettlement): void;
  startOver(): void;
}

const initial = {
  step: 'find' as LobbyStep,
  resident: null,
  amountCents: 0,
  depositorName: '',
  method: 'card' as LobbyMethod,
  quote: null,
  receipt: null,
  busy: false,
  error: null,
};

/** A customer's deposit at a lobby kiosk: find, confirm, quote, pay, receipt. */
export const useLobby = create<LobbyState>()((set, get) => {
  const run = busyCaller(set);
  const act = actionCaller(set);
  function channel() {
    return get().method === 'card' ? ('kiosk_card' as const) : ('kiosk_cash' as const);
  }
  return {
    ...initial,
    find: (state, docNumber) =>
      run(async () => {
        const { resident } = await api().invoke('lobby.findResident', { state, docNumber });
        set({ resident, step: 'confirm' });
      }),
    confirmResident() {
      set({ step: 'amount', quote: null });
    },
    rejectResident() {
      set({ ...initial });
    },
    quoteFor: (amountCents, depositorName, method) =>
      run(async () => {
        const residentId = get().resident?.residentId;
        if (!residentId) return;
        set({ amountCents, depositorName, method, quote: null });
        const quote = await api().invoke('lobby.quoteDeposit', {
          residentId,
          amountCents,
          channel: channel(),
        });
        set({ quote });
      }),
    requoteWithCard: (card) =>
      run(async () => {
        const { resident, amountCents } = get();
        if (!resident) return;
        const quote = await api().invoke('lobby.quoteDeposit', {
          residentId: resident.residentId,
          amountCents,
          channel: 'kiosk_card',
          card,
        });
        set({ quote });
      }),
    startPaying() {
      set({ step: 'pay' });
    },
    deposit: (payment, locale) =>
      act(async (idempotencyKey) => {
        const { resident, amountCents, depositorName } = get();
        if (!resident) return;
        const receipt = await api().invoke('lobby.deposit', {
          residentId: resident.residentId,
          amountCents,
          payment,
          depositorName,
          locale,
          idempotencyKey,
        });
        set({ receipt, step: 'done' });
      }),
    cashSettled({ deposit }) {
      set(deposit ? { receipt: deposit, step: 'done', busy: false } : { ...initial });
    },
    startOver() {
      renewActionKeys(); // the next visitor's screens
      set({ ...initial });
    },
  };
});
