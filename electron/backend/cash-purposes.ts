import { isoAt, type Clock } from './clock';
import type { Store } from './store';
import type { StoredPurpose } from './store/repositories/cash-purposes';

/** A cash session's purpose as the backend keeps it: a stamp purchase knows its buyer. */
export type HeldPurpose = StoredPurpose;

/** How long a cash session waits for the next bill or the finish before it is settled. */
export const DEFAULT_CASH_IDLE_SECONDS = 90;

/**
 * What each open cash session pays for, until it paid or was settled, with its walk-away timer:
 * armed when the session opens, started again at each bill, fired by the backend's clock (tests
 * inject a manual one). `take` removes a purpose and its timer at once, so a cancel, a timeout
 * and a closed screen racing each other settle a session once. Each purpose is also kept in the
 * store, so bills stacked before a restart still pay for it: the kept row goes in the
 * transaction that books the session's cash (or when the session held none), and `restore`
 * holds the kept ones again after a restart, with a fresh walk-away timer that settles them.
 */
export function createCashPurposes(
  clock: Clock,
  idleMs: number,
  kept: Store['cashPurposes'],
  onIdle: (cashSessionId: string) => void,
) {
  const held = new Map<string, { purpose: HeldPurpose; cancelTimer: () => void }>();
  const arm = (cashSessionId: string) => clock.setTimer(() => onIdle(cashSessionId), idleMs);
  const holdInMemory = (cashSessionId: string, purpose: HeldPurpose) => {
    held.get(cashSessionId)?.cancelTimer();
    held.set(cashSessionId, { purpose, cancelTimer: arm(cashSessionId) });
  };
  return {
    hold(cashSessionId: string, purpose: HeldPurpose): void {
      kept.save(cashSessionId, purpose, isoAt(clock));
      holdInMemory(cashSessionId, purpose);
    },
    /** After a restart: the sessions whose purposes were kept, each settled when idle. */
    restore(): string[] {
      const restored = kept.all().filter(({ cashSessionId }) => !held.has(cashSessionId));
      for (const { cashSessionId, purpose } of restored) holdInMemory(cashSessionId, purpose);
      return restored.map(({ cashSessionId }) => cashSessionId);
    },
    /** A bill moved: the person is still there. */
    touch(cashSessionId: string): void {
      const entry = held.get(cashSessionId);
      if (!entry) return;
      entry.cancelTimer();
      entry.cancelTimer = arm(cashSessionId);
    },
    /**
     * The session paid, or is being settled: its purpose and timer are gone from memory (the
     * kept row goes with the booking, or with `discard`).
     */
    take(cashSessionId: string): HeldPurpose | undefined {
      const entry = held.get(cashSessionId);
      if (!entry) return undefined;
      entry.cancelTimer();
      held.delete(cashSessionId);
      return entry.purpose;
    },
    /** The session was settled with nothing to book: its kept purpose goes too. */
    discard(cashSessionId: string): void {
      kept.remove(cashSessionId);
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
