import { create } from 'zustand';
import type { DeviceInfo } from '../../electron/contract';
import { api, toUiError, type UiError } from '../api';

export type Connection = 'connecting' | 'open' | 'closed';

interface DeviceState {
  info: DeviceInfo | null;
  error: UiError | null;
  connection: Connection;
  load(): Promise<void>;
  setConnection(connection: Connection): void;
}

/** What this device is (profile, facility, hardware) and whether the transport is up. */
export const useDevice = create<DeviceState>()((set) => ({
  info: null,
  error: null,
  connection: 'open',
  async load() {
    try {
      set({ info: await api().invoke('device.info', {}), error: null });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  },
  setConnection(connection) {
    set({ connection });
  },
}));
