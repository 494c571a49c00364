import { create } from 'zustand';
import type {
  MethodInput,
  PromotionSummary,
  StampBalance,
  StampBundleOffer,
  StampHistoryEntry,
  StampPurchase,
} from '../../electron/contract';
import type { Locale } from '../../domain/types';
import { api, toUiError, type UiError } from '../api';

export type StampPayment = MethodInput<'stamps.purchase'>['payment'];

interface StampsState {
  balance: StampBalance | null;
  history: StampHistoryEntry[];
  bundles: StampBundleOffer[];
  promotions: PromotionSummary[];
  busy: boolean;
  error: UiError | null;
  lastPurchase: StampPurchase | null;
  loadBalance(): Promise<void>;
  loadOffers(): Promise<void>;
  loadHistory(): Promise<void>;
  purchase(
    bundleId: string,
    payment: StampPayment,
    locale: Locale,
    printReceipt: boolean,
  ): Promise<boolean>;
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
};

export const useStamps = create<StampsState>()((set, get) => {
  async function attempt(work: () => Promise<void>) {
    try {
      await work();
    } catch (error) {
      set({ error: toUiError(error) });
    }
  }
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
      set({ busy: true, error: null, lastPurchase: null });
      try {
        const lastPurchase = await api().invoke('stamps.purchase', {
          bundleId,
          payment,
          locale,
          printReceipt,
        });
        set({ lastPurchase, busy: false });
        await Promise.all([get().loadBalance(), get().loadHistory()]);
        return true;
      } catch (error) {
        set({ busy: false, error: toUiError(error) });
        return false;
      }
    },
    reset() {
      set(initial);
    },
  };
});
