import { DEMO, type Backend } from '../../backend';
import { withActionKey } from '../../backend/testing/action-key';

type Recorded = { event: string; payload: unknown };

/**
 * One backend connection, as a window would hold it: records the events it receives, waits for
 * the next one matching, and calls methods that must succeed.
 */
export function openWindow(backend: Backend) {
  const events: Recorded[] = [];
  const waiters: (() => void)[] = [];
  const connection = backend.connect((event, payload) => {
    events.push({ event, payload });
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    ...connection,
    events,
    /** The first event of this name from position `from` on, waiting for it if needed. */
    async next<T = Record<string, unknown>>(event: string, from = 0): Promise<T> {
      for (;;) {
        const found = events.slice(from).find((e) => e.event === event);
        if (found) return found.payload as T;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async call<T = Record<string, unknown>>(method: string, input: unknown = {}): Promise<T> {
      const answer = await connection.invoke(method, withActionKey(method, input));
      if (!answer.ok) throw new Error(`${method}: ${answer.error.code} ${answer.error.message}`);
      return answer.value as T;
    },
  };
}

export type TestWindow = ReturnType<typeof openWindow>;

/** Signs demo resident `index` (0-based) in on this window by DOC number and PIN. */
export async function signIn(window: TestWindow, index: number): Promise<void> {
  await window.call('auth.login', {
    method: 'doc',
    state: DEMO.state,
    docNumber: DEMO.docNumber(index),
    pin: DEMO.pin,
  });
}
