import { create } from 'zustand';
import type {
  CashSettlement,
  DepositReceipt,
  MethodInput,
  PromotionSummary,
  StampBalance,
  StampBundleOffer,
  StampHistoryEntry,
  StampPurchase,
} from '../../electron/contract';
import type { Locale } from '../../domain/types';
import { api, type UiError } from '../api';
import { actionCaller, quietCaller } from './calls';

type StampPayment = MethodInput<'stamps.purchase'>['payment'];

interface StampsState {
  balance: StampBalance | null;
  history: StampHistoryEntry[];
  bundles: StampBundleOffer[];
  promotions: PromotionSummary[];
  busy: boolean;
  error: UiError | null;
  lastPurchase: StampPurchase | null;
  /** Cash that covered no bundle, credited to the account instead. */
  lastCashCredit: DepositReceipt | null;
  loadBalance(): Promise<void>;
  loadOffers(): Promise<void>;
  loadHistory(): Promise<void>;
  purchase(
    bundleId: string,
    payment: StampPayment,
    locale: Locale,
    printReceipt: boolean,
  ): Promise<boolean>;
  /** Cash booked without a finish: what it bought, or what it credited. */
  cashSettled(settlement: CashSettlement): Promise<void>;
  reset(): void;
}

const initial = {
  balance: null,
  history: [],
  bundles: [],
  promotions: [],
  busy: false,
  error: null,
  lastPurchase: null,
  lastCashCredit: null,
};

export const useStamps = create<StampsState>()((set, get) => {
  const attempt = quietCaller(set);
  const act = actionCaller(set);
  return {
    ...initial,
    loadBalance: () =>
      attempt(async () => set({ balance: await api().invoke('stamps.balance', {}) })),
    loadOffers: () =>
      attempt(async () => {
        const { bundles, promotions } = await api().invoke('stamps.offers', {});
        set({ bundles, promotions });
      }),
    loadHistory: () =>
      attempt(async () => {
        const { entries } = await api().invoke('stamps.history', { limit: 50 });
        set({ history: entries });
      }),
    async purchase(bundleId, payment, locale, printReceipt) {
      set({ lastPurchase: null, lastCashCredit: null });
      const lastPurchase = await act((idempotencyKey) =>
        api().invoke('stamps.purchase', {
          bundleId,
          payment,
          locale,
          printReceipt,
          idempotencyKey,
        }),
      );
      if (!lastPurchase) return false;
      set({ lastPurchase });
      await Promise.all([get().loadBalance(), get().loadHistory()]);
      return true;
    },
    async cashSettled({ purchase, deposit }) {
      set({ lastPurchase: purchase, lastCashCredit: deposit });
      if (purchase || deposit) await Promise.all([get().loadBalance(), get().loadHistory()]);
    },
    reset() {
      set(initial);
    },
  };
});
