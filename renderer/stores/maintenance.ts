import { create } from 'zustand';
import type { MethodOutput, PrintJob } from '../../electron/contract';
import { api, type UiError } from '../api';
import { actionCaller, busyCaller } from './calls';

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
  const run = busyCaller(set);
  const act = actionCaller(set);
  return {
    ...initial,
    load: () => run(async () => set({ status: await api().invoke('maintenance.status', {}) })),
    testPrint: () =>
      act(async (idempotencyKey) =>
        set({ printJob: await api().invoke('maintenance.testPrint', { idempotencyKey }) }),
      ),
    exportLogs: () =>
      run(async () => set({ logs: await api().invoke('maintenance.exportLogs', {}) })),
    reset() {
      set(initial);
    },
  };
});
