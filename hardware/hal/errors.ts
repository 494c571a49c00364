/**
 * UnifiedPOS-style error vocabulary. A device error carries a code, an extended code (the
 * protocol- or driver-specific reason) and a locus (where it happened), so that the app can
 * answer retry or clear without knowing the protocol.
 */

export const DEVICE_ERROR_CODES = [
  'closed',
  'not_claimed',
  'disabled',
  'illegal',
  'no_hardware',
  'offline',
  'failure',
  'timeout',
  'busy',
  'extended',
] as const;
export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

/** input: while reading input; input_data: data that arrived but is unusable; output: printing. */
export type ErrorLocus = 'input' | 'input_data' | 'output';

/** Distinct failure classes from CEN/XFS: the screen reacts differently to each. */
export type ErrorClass = 'user' | 'hardware' | 'fraud';

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    readonly extendedCode: string | null = null,
    readonly locus: ErrorLocus = 'input',
    readonly errorClass: ErrorClass = 'hardware',
  ) {
    super(message);
  }
}

/** The device configuration file or object is not valid. */
export class DeviceConfigError extends Error {
  override readonly name = 'DeviceConfigError';
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}
