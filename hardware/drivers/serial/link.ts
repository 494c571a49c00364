import type { BindingInterface } from '@serialport/bindings-interface' with {
  'resolution-mode': 'require',
};
import { existsSync } from 'node:fs';
import { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { DeviceError, DeviceConfigError, type DriverContext, type DriverSpec } from '../../hal';

export interface LinkTarget {
  /** Serial unless said otherwise: a real port (or pty), or the in-process simulator. */
  kind?: 'serial' | 'simulated';
  path: string;
  baudRate: number;
  binding: BindingInterface;
  parity: 'none' | 'even';
  /**
   * For OS ports: how often to check that the device path still exists. Some platforms never
   * report an unplug on a port that is only read from (a card reader has no heartbeat).
   */
  presenceCheckMs?: number;
}

/** How often an OS device path is checked for presence (an unplug may report nothing). */
export const PRESENCE_CHECK_MS = 1000;

/** A byte stream to a device, whatever carries it (serial port, USB printer class, TCP). */
export interface ByteLink {
  readonly isOpen: boolean;
  /** Rejects with a DeviceError whose message names the path or host and what went wrong. */
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface LinkHandlers {
  data(chunk: Buffer): void;
  /** The port closed without being asked to (unplugged, socat killed). */
  lost(reason: Error): void;
}

/** Where a configured device lives: a real port, a pty, or the in-process simulator. */
export function linkTarget(
  spec: DriverSpec,
  context: DriverContext,
  parity: LinkTarget['parity'] = 'none',
): LinkTarget {
  if (spec.port.kind === 'usb-printer' || spec.port.kind === 'tcp') {
    throw new DeviceConfigError(
      `device ${spec.name}: this driver speaks over a serial port, not a ${spec.port.kind} port`,
    );
  }
  if (spec.port.kind === 'serial') {
    return {
      kind: 'serial',
      path: spec.port.path,
      baudRate: spec.port.baudRate,
      binding: SerialPort.binding,
      parity,
      presenceCheckMs: PRESENCE_CHECK_MS,
    };
  }
  if (!context.simulatedBinding) {
    throw new DeviceConfigError(
      `device ${spec.name} is simulated but no simulator binding was given`,
    );
  }
  return {
    kind: 'simulated',
    path: spec.name,
    baudRate: spec.port.baudRate,
    binding: context.simulatedBinding,
    parity,
  };
}

/**
 * One open serial port. serialport has no request timeouts and its write callback only means
 * "handed to the OS"; the exchange layer above adds both. Modem-line ioctls fail on ptys, so
 * none are used.
 */
export class SerialLink implements ByteLink {
  private port: SerialPortStream | undefined;
  private presence: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: LinkTarget,
    private readonly handlers: LinkHandlers,
  ) {}

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  open(): Promise<void> {
    const port = new SerialPortStream({
      binding: this.target.binding,
      path: this.target.path,
      baudRate: this.target.baudRate,
      parity: this.target.parity,
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      port.open((error) => {
        if (error) {
          reject(
            new DeviceError('no_hardware', `cannot open ${this.target.path}: ${error.message}`),
          );
          return;
        }
        this.port = port;
        port.on('data', (chunk: Buffer) => this.handlers.data(chunk));
        port.on('error', () => undefined);
        port.on('close', (error?: Error & { disconnected?: boolean }) => {
          if (this.port !== port) return;
          this.port = undefined;
          clearInterval(this.presence);
          this.handlers.lost(error ?? new Error(`${this.target.path} closed`));
        });
        this.watchPresence(port);
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port) {
      return Promise.reject(
        new DeviceError('offline', `${this.target.path} is not open`, null, 'output'),
      );
    }
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(bytes), (error) => {
        if (error)
          reject(new DeviceError('offline', `write failed: ${error.message}`, null, 'output'));
        else resolve();
      });
    });
  }

  private watchPresence(port: SerialPortStream): void {
    const every = this.target.presenceCheckMs;
    if (!every) return;
    this.presence = setInterval(() => {
      if (existsSync(this.target.path) || this.port !== port) return;
      clearInterval(this.presence);
      this.port = undefined;
      port.close(() => undefined);
      this.handlers.lost(new Error(`${this.target.path} disappeared`));
    }, every);
    this.presence.unref();
  }

  close(): Promise<void> {
    clearInterval(this.presence);
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}
