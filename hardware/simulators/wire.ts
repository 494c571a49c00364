import type { LinkProfile } from './paced-queue';

/** The device side of a serial line, whether an in-process SimWire or a socat pty. */
export interface DeviceWire {
  send(bytes: Uint8Array): void;
  onReceive(receive: (bytes: Buffer) => void): () => void;
}

/** A line a tester can disturb: slow it down, fragment it, pull the cable and plug it back. */
export interface ControllableLink {
  profile: LinkProfile;
  unplug(): void;
  replug(): void | Promise<void>;
}
