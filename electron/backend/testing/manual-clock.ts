import type { Clock } from '../clock';

/** A clock that moves only when the test says so; due timers run on `advance`. */
export function manualClock(start = Date.parse('2026-12-01T12:00:00.000Z')) {
  let now = start;
  let timers: { at: number; callback: () => void; id: number }[] = [];
  let nextId = 0;
  const clock: Clock & { advance(ms: number): void } = {
    now: () => now,
    setTimer(callback, ms) {
      const id = nextId++;
      timers.push({ at: now + ms, callback, id });
      return () => {
        timers = timers.filter((timer) => timer.id !== id);
      };
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((timer) => timer.id !== due.id);
        now = due.at;
        due.callback();
      }
      now = target;
    },
  };
  return clock;
}
