import type { HomelineBridge } from '../../electron/contract';
import { createWebSocketBridge, harnessUrl, type ConnectionState } from './websocket-bridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser harness. */
    homeline?: HomelineBridge;
  }
}

export interface ChosenBridge {
  bridge: HomelineBridge;
  /** Connection changes; the preload bridge is always connected, so it never calls back. */
  onState(listener: (state: ConnectionState) => void): () => void;
}

/** The preload bridge inside Electron, else a WebSocket to the harness on this page's host. */
export function chooseBridge(win: Window): ChosenBridge {
  if (win.homeline) return { bridge: win.homeline, onState: () => () => undefined };
  const bridge = createWebSocketBridge({ url: harnessUrl(win.location) });
  return { bridge, onState: (listener) => bridge.onState(listener) };
}
