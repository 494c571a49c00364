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

/**
 * For actions that change data (buy, send, file, deposit, print): like `busyCaller`, and a second
 * call while the first is in flight is refused at once, before any backend call. The check is
 * synchronous, so two taps in the same frame (before the disabled button re-renders) run once.
 */
export function actionCaller(
  set: (state: Partial<{ busy: boolean; error: UiError | null }>) => void,
) {
  const busy = busyCaller(set);
  let inFlight = false;
  return async <T>(work: Work<T>): Promise<T | undefined> => {
    if (inFlight) return undefined;
    inFlight = true;
    try {
      return await busy(work);
    } finally {
      inFlight = false;
    }
  };
}
