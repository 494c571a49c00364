import { create } from 'zustand';
import type {
  CardResult,
  CashSession,
  CashSettlement,
  EventPayload,
  PrintJob,
} from '../../electron/contract';
import type { MethodInput } from '../../electron/contract';
import { api, type UiError } from '../api';
import { quietCaller } from './calls';

/** What a cash session pays for, as the screen states it (contract `CashPurposeSchema`). */
export type CashPurposeInput = NonNullable<MethodInput<'payment.cashStart'>['purpose']>;
type BillEvent = EventPayload<'hardware.bill'>['event'];
type PrinterCondition = EventPayload<'hardware.printer'>['condition'];

interface HardwareState {
  /** `errorCode`: the reader's code for a refused or unreadable swipe. */
  card: {
    status: 'idle' | 'waiting' | 'read' | 'error';
    result: CardResult | null;
    errorCode?: string;
  };
  cash: CashSession | null;
  /** `recovered`: the acceptor restarted (unplug, power) and settled this bill afterwards. */
  lastBill: { event: BillEvent; denominationCents: number | null; recovered: boolean } | null;
  /** The open session's cash, booked after a cancel, a walk-away or a closed screen. */
  settlement: CashSettlement | null;
  /** The last badge scanned; the login screen asks for its PIN until forgotten. */
  badgeToken: string | null;
  printer: { condition: PrinterCondition; job: PrintJob | null } | null;
  error: UiError | null;
  startCard(): Promise<void>;
  cancelCard(): Promise<void>;
  /** Opens a cash session for what it pays: cash left behind is booked for it, never lost. */
  startCash(purpose: CashPurposeInput): Promise<void>;
  /** Ends the session and books what was inserted (nothing when no bill went in). */
  cancelCash(): Promise<CashSettlement | undefined>;
  cashSettled(settlement: CashSettlement): void;
  escrow(action: 'accept' | 'return'): Promise<void>;
  endCash(): Promise<CashSession | undefined>;
  cardRead(card: CardResult): void;
  cardError(code: string): void;
  bill(payload: EventPayload<'hardware.bill'>): void;
  badge(badgeToken: string): void;
  forgetBadge(): void;
  printerChanged(payload: EventPayload<'hardware.printer'>): void;
  reset(): void;
}

const initial = {
  card: { status: 'idle' as const, result: null },
  cash: null,
  lastBill: null,
  settlement: null,
  badgeToken: null,
  printer: null,
  error: null,
};

/** Card reader and bill acceptor sessions, badge scans and printer state, from events. */
export const useHardware = create<HardwareState>()((set, get) => {
  const attempt = quietCaller(set);
  return {
    ...initial,
    startCard: () =>
      attempt(async () => {
        set({ card: { status: 'waiting', result: null } });
        await api().invoke('payment.cardStart', {});
      }),
    cancelCard: () =>
      attempt(async () => {
        set({ card: { status: 'idle', result: null } });
        await api().invoke('payment.cardCancel', {});
      }),
    startCash: (purpose) =>
      attempt(async () => {
        set({ lastBill: null, settlement: null, cash: null });
        set({ cash: await api().invoke('payment.cashStart', { purpose }) });
      }),
    async cancelCash() {
      const session = get().cash;
      if (!session || get().settlement) return undefined;
      const settlement = await attempt(() =>
        api().invoke('payment.cashCancel', { cashSessionId: session.cashSessionId }),
      );
      if (settlement) get().cashSettled(settlement);
      return settlement;
    },
    cashSettled(settlement) {
      const session = get().cash;
      if (session?.cashSessionId !== settlement.cashSessionId) return;
      set({ settlement, cash: { ...session, state: 'ended', escrowCents: null } });
    },
    escrow: (action) =>
      attempt(async () => {
        const session = get().cash;
        if (!session) return;
        set({
          cash: await api().invoke('payment.cashEscrow', {
            cashSessionId: session.cashSessionId,
            action,
          }),
        });
      }),
    async endCash() {
      const session = get().cash;
      if (!session) return undefined;
      const ended = await attempt(() =>
        api().invoke('payment.cashEnd', { cashSessionId: session.cashSessionId }),
      );
      if (ended) set({ cash: ended });
      return ended;
    },
    cardRead(card) {
      if (get().card.status === 'waiting') set({ card: { status: 'read', result: card } });
    },
    cardError(code) {
      if (get().card.status === 'waiting') {
        set({ card: { status: 'error', result: null, errorCode: code } });
      }
    },
    bill({ session, event, denominationCents, recovered }) {
      if (get().cash?.cashSessionId !== session.cashSessionId || get().settlement) return;
      set({ cash: session, lastBill: { event, denominationCents, recovered } });
    },
    badge(badgeToken) {
      set({ badgeToken });
    },
    forgetBadge() {
      set({ badgeToken: null });
    },
    printerChanged(payload) {
      set({ printer: payload });
    },
    reset() {
      set({ ...initial, printer: get().printer });
    },
  };
});
