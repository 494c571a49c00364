import type { CardResult } from '../contract';

/** How many unused card reads are remembered (a kiosk has one reader; a few is plenty). */
const REMEMBERED = 8;

/**
 * Card reads this device's reader produced, by token. A payment must name one of them, and each
 * pays once: a renderer cannot make up a card, nor reuse a swipe.
 */
export function createCardReads() {
  const reads = new Map<string, CardResult>();
  return {
    remember(card: CardResult): void {
      reads.delete(card.token);
      reads.set(card.token, card);
      while (reads.size > REMEMBERED) reads.delete(reads.keys().next().value!);
    },
    peek: (token: string): CardResult | undefined => reads.get(token),
    take(token: string): void {
      reads.delete(token);
    },
  };
}

export type CardReads = ReturnType<typeof createCardReads>;
