/** A signed-in person on one connection. */
export interface Session {
  id: string;
  role: 'resident' | 'maintenance';
  residentId: string | null;
  startedAt: string;
  /** Milliseconds since the epoch of the last call. */
  lastActivityAt: number;
}

/** How long before the idle logout the renderer is warned (`session.expiring`). */
export const IDLE_WARNING_SECONDS = 30;

/** Seconds of warning for an idle timeout: 30 s, or half the timeout when that is shorter. */
export function idleWarningSeconds(idleMinutes: number): number {
  return Math.min(IDLE_WARNING_SECONDS, Math.floor((idleMinutes * 60) / 2));
}

/** When the session ends unless there is activity, or null when it never idles out. */
export function sessionExpiry(session: Session, idleMinutes: number | null): number | null {
  return idleMinutes === null ? null : session.lastActivityAt + idleMinutes * 60_000;
}
