import type { RejectionCode } from '../protocol';

/**
 * A permanent business refusal (not enough stamps, blocked, not found ...). Push stores it as
 * the mutation's outcome; the HTTP APIs answer it with a 4xx and the same code.
 */
export class Rejection extends Error {
  override readonly name = 'Rejection';
  constructor(
    readonly code: RejectionCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function reject(code: RejectionCode, reason: string): never {
  throw new Rejection(code, reason);
}
