import { create } from 'zustand';
import type { AccountStatus, PrintJob, ReleaseForm, ReleaseRequest } from '../../electron/contract';
import type { Locale } from '../../domain/types';
import { api, toUiError, type UiError } from '../api';

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

export const useAccount = create<AccountState>()((set, get) => ({
  ...initial,
  async load() {
    try {
      const [status, { requests }] = await Promise.all([
        api().invoke('account.status', {}),
        api().invoke('account.releaseRequests', {}),
      ]);
      set({ status, requests, error: null });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  },
  async requestRelease(form) {
    set({ busy: true, error: null });
    try {
      await api().invoke('account.requestRelease', form);
      set({ busy: false });
      await get().load();
      return true;
    } catch (error) {
      set({ busy: false, error: toUiError(error) });
      return false;
    }
  },
  async printReleaseForm(requestId, locale) {
    set({ busy: true, error: null, printJob: null });
    try {
      set({
        printJob: await api().invoke('account.printReleaseForm', { requestId, locale }),
        busy: false,
      });
    } catch (error) {
      set({ busy: false, error: toUiError(error) });
    }
  },
  reset() {
    set(initial);
  },
}));
