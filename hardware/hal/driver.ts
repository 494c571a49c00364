import type { DeviceError } from './errors';

/**
 * What the HAL needs from a driver. A driver owns one port and one protocol; the HAL owns the
 * lifecycle, the data queue, the enable state and reconnection. Drivers never see the app.
 */
export interface DriverSink<D, S> {
  /** One unit of input (a swipe, a bill event, a badge). */
  data(data: D): void;
  /** A dynamic status change (paper near end, cassette full...). */
  status(status: S): void;
  /** A recoverable problem: bad swipe, checksum error, jam. */
  error(error: DeviceError): void;
  /** The device answered (a status reply, a poll answer, any valid frame): it is alive. */
  seen(): void;
  /** The port went away or the device stopped answering; the HAL reconnects with backoff. */
  lost(reason: Error): void;
}

export interface DeviceDriver<D, S, C extends object = object> {
  /** Static capabilities: what the device can do, never what it is doing now. */
  readonly capabilities: Readonly<C>;
  /** Opens the port and brings the device to a known state. Rejects with a DeviceError. */
  connect(sink: DriverSink<D, S>): Promise<void>;
  /** Closes the port, cancels anything outstanding. Never rejects. */
  disconnect(): Promise<void>;
  /** Starts or stops accepting input (readers ignore input while stopped, acceptors inhibit). */
  setInputEnabled(enabled: boolean): Promise<void>;
  /** One real exchange with the device when the protocol has one; describes the result. */
  probe(): Promise<string>;
}
