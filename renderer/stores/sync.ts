import { create } from 'zustand';
import type { SyncStatus } from '../../electron/contract';
import { api, toUiError, type UiError } from '../api';

interface SyncState {
  status: SyncStatus | null;
  error: UiError | null;
  load(): Promise<void>;
  syncNow(): Promise<void>;
  set(status: SyncStatus): void;
}

export const useSync = create<SyncState>()((set) => ({
  status: null,
  error: null,
  async load() {
    try {
      set({ status: await api().invoke('device.syncStatus', {}), error: null });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  },
  async syncNow() {
    try {
      set({ status: await api().invoke('device.syncNow', {}), error: null });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  },
  set(status) {
    set({ status });
  },
}));
