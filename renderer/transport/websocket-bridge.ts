import {
  HARNESS_WS_PATH,
  MAX_FRAME_BYTES,
  ServerFrameSchema,
  type ErrorCode,
  type HomelineBridge,
  type InvokeFrame,
  type Result,
} from '../../electron/contract';

/** Whether the socket to the harness is usable; the app shows a banner while it is not. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WebSocketBridgeOptions {
  url: string;
  /** A call without an answer after this long fails with `timeout`. */
  timeoutMs?: number;
  /** Reconnect delays: doubling from `initialDelayMs` up to `maxDelayMs`, with jitter. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable for tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
}

export interface WebSocketBridge extends HomelineBridge {
  readonly state: ConnectionState;
  /** Called on every state change; after a reconnect the backend session is a new one. */
  onState(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

interface Pending {
  frame: string;
  sent: boolean;
  settle: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** The harness address on the page's own host: ws for http pages, wss for https. */
export function harnessUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${HARNESS_WS_PATH}`;
}

/**
 * HomelineBridge over the harness WebSocket (the wire frames of electron/contract/wire.ts).
 * Calls never reject: a lost connection fails the calls in flight with `unavailable_service`, a
 * silent backend with `timeout`. Calls made while (re)connecting wait for the socket.
 */
export function createWebSocketBridge(options: WebSocketBridgeOptions): WebSocketBridge {
  const {
    url,
    timeoutMs = 15_000,
    initialDelayMs = 250,
    maxDelayMs = 5_000,
    WebSocketImpl = WebSocket,
  } = options;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let closedByUs = false;

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function settle(id: number, result: Result<unknown>) {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    clearTimeout(call.timer);
    call.settle(result);
  }

  function flush() {
    for (const call of pending.values()) {
      if (call.sent || socket?.readyState !== WebSocketImpl.OPEN) continue;
      socket.send(call.frame);
      call.sent = true;
    }
  }

  function onMessage(data: unknown) {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      console.warn('homeline bridge: dropped a frame that is not JSON');
      return;
    }
    const frame = ServerFrameSchema.safeParse(json);
    if (!frame.success) {
      console.warn('homeline bridge: dropped a malformed frame');
      return;
    }
    if (frame.data.type === 'event') {
      for (const listener of listeners.get(frame.data.event) ?? []) listener(frame.data.payload);
    } else if (frame.data.id !== null) {
      settle(frame.data.id, frame.data.result);
    }
  }

  function connect() {
    reconnectTimer = null;
    setState('connecting');
    const ws = new WebSocketImpl(url);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      flush();
    };
    ws.onmessage = (event: MessageEvent) => onMessage(event.data);
    // Every error is followed by a close, where the recovery happens.
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // Calls already sent died with the backend connection; queued ones wait for the next.
      for (const [id, call] of pending) {
        if (call.sent) settle(id, failure('unavailable_service', 'connection to the device lost'));
      }
      setState('closed');
      if (closedByUs) return;
      const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** attempt);
      attempt += 1;
      reconnectTimer = setTimeout(connect, delay / 2 + Math.random() * (delay / 2));
    };
  }

  connect();

  return {
    get state() {
      return state;
    },
    invoke(method, input) {
      const id = nextId++;
      const frame: InvokeFrame = { type: 'invoke', id, method, input };
      const text = JSON.stringify(frame);
      if (new TextEncoder().encode(text).byteLength > MAX_FRAME_BYTES) {
        return Promise.resolve(failure('payload_too_large', `${method}: request too large`));
      }
      if (closedByUs) return Promise.resolve(failure('unavailable_service', 'bridge closed'));
      return new Promise((resolve) => {
        const timer = setTimeout(
          () => settle(id, failure('timeout', `${method}: no answer in ${timeoutMs} ms`)),
          timeoutMs,
        );
        pending.set(id, { frame: text, sent: false, settle: resolve, timer });
        flush();
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    close() {
      closedByUs = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      for (const id of [...pending.keys()]) {
        settle(id, failure('unavailable_service', 'bridge closed'));
      }
      socket?.close();
      setState('closed');
    },
  };
}
