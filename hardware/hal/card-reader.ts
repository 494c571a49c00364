import { PosDevice, type DeviceOptions } from './device';
import type { DeviceDriver } from './driver';
import type { DeviceError } from './errors';

export type CardBrand = 'visa' | 'mastercard';
export type CardFunding = 'debit' | 'credit' | 'prepaid' | 'unknown';

/**
 * What a card read yields. Shaped so that a plain magstripe reader (which tokenizes in the
 * driver) and a tokenizing payment terminal both fit; never the number or track data.
 */
export interface CardResult {
  brand: CardBrand;
  last4: string;
  /** YYYY-MM */
  expiry: string;
  cardholderName: string;
  funding: CardFunding;
  /**
   * The card processor's token when the reader tokenizes there (new for every read; what a
   * payment is charged with), else a random reference the processor does not know (a payment
   * with it is refused). Either way it names this one read, which a payment may use once.
   */
  token: string;
  /** The service code says the card has a chip: a terminal should use EMV when it can. */
  chipCard: boolean;
}

export interface CardReaderCapabilities {
  tracks: readonly number[];
  tokenizes: boolean;
  detectsFunding: boolean;
}

/** Card readers carry no dynamic status beyond power and errors. */
export type CardReaderStatus = never;

export type CardReaderDriver = DeviceDriver<CardResult, CardReaderStatus, CardReaderCapabilities>;

export class CardReader extends PosDevice<CardResult, CardReaderStatus, CardReaderCapabilities> {
  readonly deviceClass = 'CardReader';
  constructor(name: string, driver: CardReaderDriver, options: Partial<DeviceOptions> = {}) {
    super(name, driver, { autoDisable: true, ...options });
  }
}

/** What a person is told about a card that gave no result: the three answers a screen has. */
export const CARD_READ_FAILURES = ['not_accepted', 'expired', 'unreadable'] as const;
export type CardReadFailure = (typeof CARD_READ_FAILURES)[number];

/**
 * The reason behind a card reader's error: a brand the kiosk does not take, an expired card, or
 * anything else that means "swipe again" (bad read, LRC, format, tracks that disagree).
 */
export function cardReadFailure(error: DeviceError): CardReadFailure {
  if (error.extendedCode === 'brand_refused') return 'not_accepted';
  if (error.extendedCode === 'expired') return 'expired';
  return 'unreadable';
}
