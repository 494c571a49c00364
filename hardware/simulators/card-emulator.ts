import { lrcOf } from '../drivers/card/tracks';
import type { DeviceWire } from './wire';

/**
 * Public test card numbers only (never a real card): the accepted brands, refused brands and a
 * number that fails Luhn, so testers can show every outcome.
 */
export const TEST_CARD_NUMBERS = {
  visa: '4111111111111111',
  visa13: '4222222222222',
  visaDebit: '4012888888881881',
  mastercard: '5555555555554444',
  mastercard2Series: '2223003122003222',
  mastercardPrepaid: '5105105105105100',
  amex: '378282246310005',
  discover: '6011111111111117',
  badCheckDigit: '4111111111111112',
  /** The processor simulator declines it for insufficient funds. */
  visaInsufficientFunds: '4000000000009995',
} as const;
export type TestCardName = keyof typeof TEST_CARD_NUMBERS;

export interface TestSwipe {
  card: TestCardName;
  /** SURNAME/GIVEN as on track 1. */
  name?: string;
  /** YYMM; defaults to two years ahead. */
  expiry?: string;
  serviceCode?: string;
  /** Simulate a bad read of a track (`%E?` / `;E?`). */
  badTrack1?: boolean;
  badTrack2?: boolean;
}

export interface CardReaderFormat {
  /** STX ESC before the tracks. */
  prefix: boolean;
  /** What ends a swipe: CR ETX, CR only, or nothing (gap framing). */
  suffix: 'cr-etx' | 'cr' | 'none';
  lrc: boolean;
}

function defaultExpiry(): string {
  const now = new Date();
  return `${String((now.getUTCFullYear() + 2) % 100).padStart(2, '0')}12`;
}

/** Encodes a swipe the way a serial magstripe reader sends it. */
export function encodeSwipe(swipe: TestSwipe, format: CardReaderFormat): Buffer {
  const number = TEST_CARD_NUMBERS[swipe.card];
  const expiry = swipe.expiry ?? defaultExpiry();
  const service = swipe.serviceCode ?? '101';
  const name = swipe.name ?? 'CARDHOLDER/TEST';
  const track = (text: string, track1: boolean) => {
    const bytes = Buffer.from(text, 'latin1');
    return format.lrc ? Buffer.concat([bytes, Buffer.from([lrcOf(bytes, track1)])]) : bytes;
  };
  const track1 = swipe.badTrack1
    ? Buffer.from('%E?')
    : track(`%B${number}^${name}^${expiry}${service}0000000000?`, true);
  const track2 = swipe.badTrack2
    ? Buffer.from(';E?')
    : track(`;${number}=${expiry}${service}0000000000?`, false);
  const prefix = format.prefix ? Buffer.from([0x02, 0x1b]) : Buffer.alloc(0);
  const suffix =
    format.suffix === 'cr-etx'
      ? Buffer.from([0x0d, 0x03])
      : format.suffix === 'cr'
        ? Buffer.from([0x0d])
        : Buffer.alloc(0);
  return Buffer.concat([prefix, track1, track2, suffix]);
}

/** A serial magstripe reader: it only ever talks when a card is swiped. */
export class CardReaderEmulator {
  constructor(
    private readonly wire: DeviceWire,
    readonly format: CardReaderFormat = { prefix: true, suffix: 'cr-etx', lrc: false },
  ) {}

  swipe(swipe: TestSwipe): void {
    this.wire.send(encodeSwipe(swipe, this.format));
  }

  /** Sends part of a swipe only (the card pulled out halfway). */
  partialSwipe(swipe: TestSwipe, bytes: number): void {
    this.wire.send(encodeSwipe(swipe, this.format).subarray(0, bytes));
  }
}
