import { useEffect, useState } from 'react';
import { resetLanguage } from '../i18n';
import { useKeyboard } from '../stores/keyboard';

/** How long a lobby screen waits without a touch before it returns to the start. */
export const LOBBY_IDLE_MS = { receipt: 20_000, step: 60_000 } as const;

/**
 * Lobby privacy: after `idleMs` without a touch or key, `onIdle` runs (back to the start), the
 * keyboard closes and the language returns to the facility's. `idleMs` null pauses the clock
 * (while a payment device is working). Returns a number that changes at each return, for use
 * as a key so that half-typed fields are forgotten too.
 */
export function useIdleReturn(idleMs: number | null, onIdle: () => void): number {
  const [visit, setVisit] = useState(0);
  useEffect(() => {
    if (idleMs === null) return;
    let timer = window.setTimeout(fire, idleMs);
    function fire() {
      onIdle();
      useKeyboard.getState().detach();
      resetLanguage();
      setVisit((count) => count + 1);
    }
    const restart = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(fire, idleMs);
    };
    window.addEventListener('pointerdown', restart, { passive: true });
    window.addEventListener('keydown', restart);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('pointerdown', restart);
      window.removeEventListener('keydown', restart);
    };
  }, [idleMs, onIdle, visit]);
  return visit;
}
