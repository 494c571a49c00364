import { create } from 'zustand';
import type { EventPayload, SessionInfo } from '../../electron/contract';
import { api, toUiError, type UiError } from '../api';

type EndReason = EventPayload<'session.ended'>['reason'];

/** auth.touch is sent at most this often while the person keeps using the screen. */
export const TOUCH_INTERVAL_MS = 20_000;

interface SessionState {
  /** null until the first auth.session answer. */
  session: SessionInfo | null | undefined;
  busy: boolean;
  error: UiError | null;
  endedReason: EndReason | null;
  /** Seconds left when the backend warned of an idle logout; null when no warning shows. */
  expiringSeconds: number | null;
  /** When that warning arrived (ms since epoch), for the countdown. */
  expiringSince: number;
  lastTouchAt: number;
  refresh(): Promise<void>;
  loginWithDoc(state: string, docNumber: string, pin: string): Promise<boolean>;
  loginWithBadge(badgeToken: string, pin: string): Promise<boolean>;
  unlockMaintenance(pin: string): Promise<boolean>;
  logout(): Promise<void>;
  /** The person touched the screen: push the idle logout back (throttled). */
  activity(now?: number): void;
  stay(): Promise<void>;
  expiring(secondsLeft: number): void;
  ended(reason: EndReason): void;
  clearError(): void;
}

export const useSession = create<SessionState>()((set, get) => {
  async function login(call: () => Promise<SessionInfo>): Promise<boolean> {
    set({ busy: true, error: null, endedReason: null });
    try {
      const session = await call();
      set({ session, busy: false, expiringSeconds: null, lastTouchAt: Date.now() });
      return true;
    } catch (error) {
      set({ busy: false, error: toUiError(error) });
      return false;
    }
  }

  async function touch() {
    try {
      const { session } = await api().invoke('auth.touch', {});
      set({ session, expiringSeconds: null });
    } catch (error) {
      set({ error: toUiError(error) });
    }
  }

  return {
    session: undefined,
    busy: false,
    error: null,
    endedReason: null,
    expiringSeconds: null,
    expiringSince: 0,
    lastTouchAt: 0,
    async refresh() {
      try {
        const { session } = await api().invoke('auth.session', {});
        set({ session });
      } catch (error) {
        set({ session: null, error: toUiError(error) });
      }
    },
    loginWithDoc(state, docNumber, pin) {
      return login(() => api().invoke('auth.login', { method: 'doc', state, docNumber, pin }));
    },
    loginWithBadge(badgeToken, pin) {
      return login(() => api().invoke('auth.login', { method: 'badge', badgeToken, pin }));
    },
    unlockMaintenance(pin) {
      return login(() => api().invoke('maintenance.unlock', { pin }));
    },
    async logout() {
      try {
        await api().invoke('auth.logout', {});
      } catch {
        // The screen clears anyway; an unreachable backend ends the session on its idle timer.
      }
      get().ended('logout');
    },
    activity(now = Date.now()) {
      const { session, lastTouchAt } = get();
      if (!session?.expiresAt || now - lastTouchAt < TOUCH_INTERVAL_MS) return;
      set({ lastTouchAt: now });
      void touch();
    },
    async stay() {
      set({ lastTouchAt: Date.now() });
      await touch();
    },
    expiring(secondsLeft) {
      set({ expiringSeconds: secondsLeft, expiringSince: Date.now() });
    },
    ended(reason) {
      set({ session: null, endedReason: reason, expiringSeconds: null, error: null });
    },
    clearError() {
      set({ error: null });
    },
  };
});
