import type { ContractError, ErrorCode } from '../contract';

/**
 * A typed refusal raised inside a service. The dispatcher turns it into `{ ok: false, error }`;
 * anything else thrown becomes `internal` (and is logged), so no call ever rejects.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ContractError['details'],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
