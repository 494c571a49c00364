/** The device side of a serial line, whether an in-process SimWire or a socat pty. */
export interface DeviceWire {
  send(bytes: Uint8Array): void;
  onReceive(receive: (bytes: Buffer) => void): () => void;
}
