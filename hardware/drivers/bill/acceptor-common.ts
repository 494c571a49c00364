import type { z } from 'zod';
import {
  DeviceConfigError,
  DeviceError,
  parseDriverOptions,
  type BillAcceptorDriver,
  type BillJournal,
  type Denomination,
  type DriverFactory,
} from '../../hal';
import { linkTarget, type LinkTarget } from '../serial/link';

/** What every acceptor driver shares, whatever its protocol. */

/** An acceptor problem the app hears about: a hardware fault, or fraud. */
export function billError(code: string, message: string, fraud: boolean): DeviceError {
  return new DeviceError('extended', message, code, 'input', fraud ? 'fraud' : 'hardware');
}

/** Stack or return asked for with no bill in escrow. */
export function noBillInEscrow(): DeviceError {
  return new DeviceError('illegal', 'no bill is waiting in escrow', null, 'output');
}

/** The protocol codes of the denominations to accept; an amount the device lacks is illegal. */
export function acceptedCodes(denominations: readonly Denomination[], cents: readonly number[]) {
  const unknown = cents.filter((value) => !denominations.some((d) => d.cents === value));
  if (unknown.length > 0) {
    throw new DeviceError(
      'illegal',
      `unknown denominations: ${unknown.join(', ')} cents`,
      null,
      'output',
    );
  }
  return denominations.filter((d) => cents.includes(d.cents)).map((d) => d.code);
}

/** A factory for an acceptor driver: options checked by its schema, a bill journal required. */
export function billAcceptorFactory<S extends z.ZodType>(
  schema: S,
  parity: LinkTarget['parity'],
  build: (
    name: string,
    target: LinkTarget,
    options: z.output<S>,
    journal: BillJournal,
  ) => BillAcceptorDriver,
): DriverFactory {
  return {
    deviceClass: 'BillAcceptor',
    create(spec, context) {
      const options = parseDriverOptions(spec.name, schema, spec.options);
      const journal = context.billJournal;
      if (!journal) {
        throw new DeviceConfigError(`bill acceptor ${spec.name} needs a bill journal`);
      }
      return build(spec.name, linkTarget(spec, context, parity), options, journal);
    },
  };
}
