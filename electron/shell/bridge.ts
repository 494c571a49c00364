import type { HomelineBridge } from '../contract/api';
import type { Result } from '../contract/errors';
import type { ElectronPreload } from './electron-api';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels';

/**
 * What the preload exposes as `window.homeline`: the contract's invoke and on, nothing else
 * (no ipcRenderer, no channels, no Node). Kept apart from preload.ts so it runs in Node tests.
 */
export function createPreloadBridge(ipcRenderer: ElectronPreload['ipcRenderer']): HomelineBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  ipcRenderer.on(EVENT_CHANNEL, (_event, message) => {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string') return;
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        // One screen's failing listener must not stop the others.
        console.error(`homeline: a listener for ${event} failed`, error);
      }
    }
  });

  return {
    invoke(method, input) {
      return ipcRenderer.invoke(INVOKE_CHANNEL, String(method), input) as Promise<Result<unknown>>;
    },
    on(event, listener) {
      const name = String(event);
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      // A wrapper, so subscribing the same function twice gives two independent subscriptions.
      const subscription = (payload: unknown) => listener(payload);
      set.add(subscription);
      return () => {
        set.delete(subscription);
      };
    },
  };
}
