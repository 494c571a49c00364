import { create } from 'zustand';
import type { MethodOutput, PrintJob } from '../../electron/contract';
import { api, toUiError, type UiError } from '../api';

interface MaintenanceState {
  status: MethodOutput<'maintenance.status'> | null;
  printJob: PrintJob | null;
  logs: MethodOutput<'maintenance.exportLogs'> | null;
  busy: boolean;
  error: UiError | null;
  load(): Promise<void>;
  testPrint(): Promise<void>;
  exportLogs(): Promise<void>;
  reset(): void;
}

const initial = { status: null, printJob: null, logs: null, busy: false, error: null };

/** Facility IT's view of the device, after the maintenance PIN. */
export const useMaintenance = create<MaintenanceState>()((set) => {
  async function run(work: () => Promise<void>) {
    set({ busy: true, error: null });
    try {
      await work();
      set({ busy: false });
    } catch (error) {
      set({ busy: false, error: toUiError(error) });
    }
  }
  return {
    ...initial,
    load: () => run(async () => set({ status: await api().invoke('maintenance.status', {}) })),
    testPrint: () =>
      run(async () => set({ printJob: await api().invoke('maintenance.testPrint', {}) })),
    exportLogs: () =>
      run(async () => set({ logs: await api().invoke('maintenance.exportLogs', {}) })),
    reset() {
      set(initial);
    },
  };
});
