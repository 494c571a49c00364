import { create } from 'zustand';
import type { DeviceInfo } from '../../electron/contract';
import { api, type UiError } from '../api';
import { setFacilityLanguage } from '../i18n';
import { quietCaller } from './calls';

type Connection = 'connecting' | 'open' | 'closed';

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
      await attempt(async () => {
        const info = await api().invoke('device.info', {});
        setFacilityLanguage(info.defaultLocale);
        set({ info });
      });
    },
    setConnection(connection) {
      set({ connection });
    },
  };
});
