import { Socket } from 'node:net';
import { DeviceError } from '../../hal';
import type { ByteLink, LinkHandlers } from '../serial/link';

/** A network printer's raw port (TCP 9100). */
export interface TcpTarget {
  kind: 'tcp';
  host: string;
  port: number;
  /** How long a connection attempt may take before the printer counts as absent. */
  connectTimeoutMs: number;
}

/** Keepalive probes find a peer that vanished without closing (cable pulled, power cut). */
const KEEPALIVE_MS = 5000;

/**
 * Raw bytes over a TCP socket: ESC/POS printers with a network interface take the same job and
 * status bytes on port 9100 as on their serial port. The socket closing or failing after it
 * opened is a lost device; the HAL reconnects with backoff.
 */
export class TcpLink implements ByteLink {
  private socket: Socket | undefined;

  constructor(
    private readonly target: TcpTarget,
    private readonly handlers: LinkHandlers,
  ) {}

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  private get address(): string {
    return `${this.target.host}:${this.target.port}`;
  }

  open(): Promise<void> {
    const socket = new Socket();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new DeviceError(
            'no_hardware',
            `no answer from printer at ${this.address} within ${this.target.connectTimeoutMs} ms`,
          ),
        );
      }, this.target.connectTimeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new DeviceError('no_hardware', this.connectFailure(error)));
      });
      socket.connect({ host: this.target.host, port: this.target.port }, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        socket.setKeepAlive(true, KEEPALIVE_MS);
        this.socket = socket;
        socket.on('data', (chunk: Buffer) => this.handlers.data(chunk));
        socket.on('error', () => undefined); // 'close' follows and reports it
        socket.on('close', () => {
          if (this.socket !== socket) return;
          this.socket = undefined;
          this.handlers.lost(
            new DeviceError('offline', `printer at ${this.address} closed the connection`),
          );
        });
        resolve();
      });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket) {
      return Promise.reject(
        new DeviceError('offline', `printer at ${this.address} is not connected`, null, 'output'),
      );
    }
    return new Promise((resolve, reject) => {
      socket.write(bytes, (error) => {
        if (error)
          reject(new DeviceError('offline', `write to ${this.address} failed`, null, 'output'));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private connectFailure(error: NodeJS.ErrnoException): string {
    switch (error.code) {
      case 'ECONNREFUSED':
        return `printer at ${this.address} refused the connection (is it on, and is the port right?)`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `printer host "${this.target.host}" not found`;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `printer at ${this.address} is unreachable from this kiosk`;
      case undefined:
      default:
        return `cannot connect to printer at ${this.address}: ${error.code ?? error.message}`;
    }
  }
}
