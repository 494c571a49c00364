import { z } from 'zod';
import {
  DeviceConfigError,
  DeviceError,
  parseDriverOptions,
  type BillAcceptorDriver,
  type BillJournal,
  type BillState,
  type DriverFactory,
} from '../../hal';
import { linkTarget, type LinkTarget } from '../serial/link';

/** What every acceptor driver shares, whatever its protocol. */

/** A command the device refused (`code` says how, for the logs and the maintenance screen). */
export function refusedCommand(message: string, code = 'refused'): DeviceError {
  return new DeviceError('extended', message, code, 'output');
}

/** The faults an acceptor reports, whatever its protocol, with the state each leaves it in. */
export const FAULT_STATE = {
  jam: 'jammed',
  cassette_full: 'cassette_full',
  cassette_removed: 'cassette_removed',
  failure: 'failure',
  cheated: 'failure',
} as const satisfies Record<string, BillState>;

/** A protocol's fault: the error code the app hears (`cheated` is fraud) and its text. */
export interface AcceptorFault {
  code: keyof typeof FAULT_STATE;
  text: string;
}

/** The options every polled acceptor has; `pollMs` defaults to what the protocol needs. */
export function pollingOptions(pollMs: number) {
  return {
    pollMs: z.number().int().min(20).max(1000).default(pollMs),
    replyTimeoutMs: z.number().int().min(20).max(5000).default(500),
    missedPolls: z.number().int().min(1).max(20).default(5),
  };
}
export interface PollingOptions {
  /** How often the device is asked what happened (tests shorten it). */
  pollMs: number;
  replyTimeoutMs: number;
  /** Unanswered polls in a row after which the device is reported lost. */
  missedPolls: number;
}

/** A factory for an acceptor driver: options checked by its schema, a bill journal required. */
export function billAcceptorFactory<S extends z.ZodType>(
  schema: S,
  parity: LinkTarget['parity'],
  Driver: new (
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
      return new Driver(spec.name, linkTarget(spec, context, parity), options, journal);
    },
  };
}
