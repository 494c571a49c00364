import { create } from 'zustand';
import type { SyncStatus } from '../../electron/contract';
import { api, type UiError } from '../api';
import { quietCaller } from './calls';

interface SyncState {
  status: SyncStatus | null;
  error: UiError | null;
  load(): Promise<void>;
  syncNow(): Promise<void>;
  set(status: SyncStatus): void;
}

/** The device's sync state, from device.syncStatus and every sync.status event. */
export const useSync = create<SyncState>()((set) => {
  const attempt = quietCaller(set);
  return {
    status: null,
    error: null,
    async load() {
      await attempt(async () => set({ status: await api().invoke('device.syncStatus', {}) }));
    },
    async syncNow() {
      await attempt(async () => set({ status: await api().invoke('device.syncNow', {}) }));
    },
    set(status) {
      set({ status });
    },
  };
});
