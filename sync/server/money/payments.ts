/**
 * The payments port: the only way the central service touches cards. An adapter speaks to one
 * processor (http-processor.ts speaks the simulator's API, shaped like real processors'); the
 * service never sees a card number, only the processor's tokens, charge ids and the card's
 * brand, last four, expiry, funding and fingerprint.
 */

export interface ProcessorCard {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  funding: 'debit' | 'credit' | 'prepaid' | 'unknown';
  /** Same for every token of one card: how chargeback blocks follow a card across kiosks. */
  fingerprint: string;
}

export interface CapturedCharge {
  chargeId: string;
  amountCents: number;
  card: ProcessorCard;
}

/** Why the processor would not take the money; nothing was charged in every case. */
export type PaymentFailure =
  | { reason: 'declined'; code: string }
  | { reason: 'invalid_token'; code: string }
  | { reason: 'unavailable'; message: string };

export type PaymentResult<T> = ({ ok: true } & T) | ({ ok: false } & PaymentFailure);

export interface DisputeEvent {
  eventId: string;
  type: 'dispute.created';
  disputeId: string;
  chargeId: string;
  amountCents: number;
  reason: string;
}

export interface PaymentsPort {
  /** What the processor knows of a token it issued (card details, already used or not). */
  lookupToken(token: string): Promise<PaymentResult<{ card: ProcessorCard; used: boolean }>>;
  /**
   * Authorizes then captures. `key` is the idempotency key: calling again with the same key
   * (after a lost answer or a crash) gives the same charge, never a second one.
   */
  charge(input: {
    key: string;
    token: string;
    amountCents: number;
    reference: string;
  }): Promise<PaymentResult<{ charge: CapturedCharge }>>;
  /** Gives money back on a captured charge; the same key refunds once. */
  refund(input: {
    key: string;
    chargeId: string;
    amountCents: number;
  }): Promise<PaymentResult<{ refundId: string }>>;
  /**
   * Checks a webhook's signature and age; the event when it is the processor's and one we act
   * on, `ignored` for a genuine event of another type, null when it is not the processor's.
   */
  verifyEvent(
    rawBody: Buffer,
    signature: string | undefined,
    now: Date,
  ): DisputeEvent | 'ignored' | null;
}
