import { create } from 'zustand';
import type { DeviceInfo } from '../../electron/contract';
import { api, type UiError } from '../api';
import { quietCaller } from './calls';

export type Connection = 'connecting' | 'open' | 'closed';

interface DeviceState {
  info: DeviceInfo | null;
  error: UiError | null;
  connection: Connection;
  load(): Promise<void>;
  setConnection(connection: Connection): void;
}

/** What this device is (profile, facility, hardware) and whether the transport is up. */
export const useDevice = create<DeviceState>()((set) => {
  const attempt = quietCaller(set);
  return {
    info: null,
    error: null,
    connection: 'open',
    async load() {
      await attempt(async () => set({ info: await api().invoke('device.info', {}) }));
    },
    setConnection(connection) {
      set({ connection });
    },
  };
});
