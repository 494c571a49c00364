import { PosDevice, type DeviceOptions } from './device';
import type { DeviceDriver } from './driver';

export interface BadgeScan {
  /** The validated badge identifier, e.g. a wristband number. */
  token: string;
  /** From the AIM prefix when the scanner sends one (`]C0` code128, `]Q1` qr). */
  symbology: string | null;
}

export interface BadgeScannerCapabilities {
  maxLength: number;
  aimPrefix: boolean;
}

export type BadgeScannerStatus = never;

export type BadgeScannerDriver = DeviceDriver<
  BadgeScan,
  BadgeScannerStatus,
  BadgeScannerCapabilities
>;

export class BadgeScanner extends PosDevice<
  BadgeScan,
  BadgeScannerStatus,
  BadgeScannerCapabilities
> {
  readonly deviceClass = 'BadgeScanner';
  constructor(name: string, driver: BadgeScannerDriver, options: Partial<DeviceOptions> = {}) {
    // bad lines are reported and scanning goes on: sign-in must not depend on a retry answer
    super(name, driver, { autoDisable: true, disableOnInputError: false, ...options });
  }
}
