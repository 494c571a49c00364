import type { CashPurpose } from '../contract';
import type { Clock } from './clock';

/** A cash session's purpose as the backend keeps it: a stamp purchase knows its buyer. */
export type HeldPurpose =
  | Extract<CashPurpose, { kind: 'deposit' }>
  | (Extract<CashPurpose, { kind: 'stamps' }> & { residentId: string });

/** How long a cash session waits for the next bill or the finish before it is settled. */
export const DEFAULT_CASH_IDLE_SECONDS = 90;

/**
 * What each open cash session pays for, until it paid or was settled, with its walk-away timer:
 * armed when the session opens, started again at each bill, fired by the backend's clock (tests
 * inject a manual one). `take` removes a purpose and its timer at once, so a cancel, a timeout
 * and a closed screen racing each other settle a session once.
 */
export function createCashPurposes(
  clock: Clock,
  idleMs: number,
  onIdle: (cashSessionId: string) => void,
) {
  const held = new Map<string, { purpose: HeldPurpose; cancelTimer: () => void }>();
  const arm = (cashSessionId: string) => clock.setTimer(() => onIdle(cashSessionId), idleMs);
  return {
    hold(cashSessionId: string, purpose: HeldPurpose): void {
      held.get(cashSessionId)?.cancelTimer();
      held.set(cashSessionId, { purpose, cancelTimer: arm(cashSessionId) });
    },
    /** A bill moved: the person is still there. */
    touch(cashSessionId: string): void {
      const entry = held.get(cashSessionId);
      if (!entry) return;
      entry.cancelTimer();
      entry.cancelTimer = arm(cashSessionId);
    },
    /** The session paid, or is being settled: its purpose and timer are gone. */
    take(cashSessionId: string): HeldPurpose | undefined {
      const entry = held.get(cashSessionId);
      if (!entry) return undefined;
      entry.cancelTimer();
      held.delete(cashSessionId);
      return entry.purpose;
    },
    has: (cashSessionId: string): boolean => held.has(cashSessionId),
    /** Stops every timer (the backend closes). */
    clear(): void {
      for (const entry of held.values()) entry.cancelTimer();
      held.clear();
    },
  };
}

export type CashPurposes = ReturnType<typeof createCashPurposes>;
