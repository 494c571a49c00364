import { create } from 'zustand';
import type { AccountStatus, PrintJob, ReleaseForm, ReleaseRequest } from '../../electron/contract';
import type { Locale } from '../../domain/types';
import { api, type UiError } from '../api';
import { actionCaller, quietCaller } from './calls';

interface AccountState {
  status: AccountStatus | null;
  requests: ReleaseRequest[];
  busy: boolean;
  error: UiError | null;
  printJob: PrintJob | null;
  load(): Promise<void>;
  requestRelease(form: ReleaseForm): Promise<boolean>;
  printReleaseForm(requestId: string, locale: Locale): Promise<void>;
  reset(): void;
}

const initial = { status: null, requests: [], busy: false, error: null, printJob: null };

/** Spendable balance, deposit blocks and tablet release requests. */
export const useAccount = create<AccountState>()((set, get) => {
  const attempt = quietCaller(set);
  const act = actionCaller(set);
  return {
    ...initial,
    async load() {
      await attempt(async () => {
        const [status, { requests }] = await Promise.all([
          api().invoke('account.status', {}),
          api().invoke('account.releaseRequests', {}),
        ]);
        set({ status, requests });
      });
    },
    async requestRelease(form) {
      const request = await act((idempotencyKey) =>
        api().invoke('account.requestRelease', { ...form, idempotencyKey }),
      );
      if (!request) return false;
      await get().load();
      return true;
    },
    async printReleaseForm(requestId, locale) {
      set({ printJob: null });
      const printJob = await act((idempotencyKey) =>
        api().invoke('account.printReleaseForm', { requestId, locale, idempotencyKey }),
      );
      if (printJob) set({ printJob });
    },
    reset() {
      set(initial);
    },
  };
});
