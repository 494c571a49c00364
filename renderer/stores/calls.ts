import { toUiError, type UiError } from '../api';

type Work<T> = () => Promise<T>;

/**
 * How a store action calls the backend: the failure is kept in the store for the screen and the
 * call resolves to undefined instead of throwing. `quiet` leaves the busy flag alone (background
 * loads); `busy` sets it while the call runs (its buttons disable).
 */
export function quietCaller(set: (state: { error: UiError | null }) => void) {
  return async <T>(work: Work<T>): Promise<T | undefined> => {
    set({ error: null });
    try {
      return await work();
    } catch (error) {
      set({ error: toUiError(error) });
      return undefined;
    }
  };
}

export function busyCaller(
  set: (state: Partial<{ busy: boolean; error: UiError | null }>) => void,
) {
  const quiet = quietCaller(set);
  return async <T>(work: Work<T>): Promise<T | undefined> => {
    set({ busy: true });
    const value = await quiet(work);
    set({ busy: false });
    return value;
  };
}

/** The key of the next action of a screen (see `actionKey`). */
export interface ActionKey {
  current: string;
  renew(): void;
}

const actionKeys = new Set<ActionKey>();

/**
 * The idempotency key actions that change data carry: made when a screen opens (every screen
 * change renews every key, `renewActionKeys`) and again after each success, so a double tap or a
 * resent call is one action for the backend, and the next purchase on the same screen a new one.
 */
export function actionKey(): ActionKey {
  const key: ActionKey = {
    current: crypto.randomUUID(),
    renew() {
      key.current = crypto.randomUUID();
    },
  };
  actionKeys.add(key);
  return key;
}

/** A screen opened (navigation, a new lobby visitor): its actions get new keys. */
export function renewActionKeys(): void {
  for (const key of actionKeys) key.renew();
}

/**
 * For actions that change data (buy, send, file, deposit, print): like `busyCaller`, the work
 * gets the screen's idempotency key, and a second call while the first is in flight is refused at
 * once, before any backend call. The check is synchronous, so two taps in the same frame (before
 * the disabled button re-renders) run once; the key makes the backend do it once even if two
 * calls reach it.
 */
export function actionCaller(
  set: (state: Partial<{ busy: boolean; error: UiError | null }>) => void,
) {
  const busy = busyCaller(set);
  const key = actionKey();
  let inFlight = false;
  return async <T>(work: (idempotencyKey: string) => Promise<T>): Promise<T | undefined> => {
    if (inFlight) return undefined;
    inFlight = true;
    let succeeded = false;
    try {
      return await busy(async () => {
        const value = await work(key.current);
        succeeded = true;
        return value;
      });
    } finally {
      if (succeeded) key.renew();
      inFlight = false;
    }
  };
}
