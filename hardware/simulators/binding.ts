import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
} from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };
import { PacedQueue, type LinkProfile } from './paced-queue';

class CanceledError extends Error {
  readonly canceled = true;
}

/**
 * The device end of one simulated serial port. An emulator sends bytes to the host and
 * receives what the host writes; a tester unplugs and replugs it, slows it down, fragments it.
 */
export class SimWire {
  profile: LinkProfile = {};
  private plugged = true;
  private port: SimPort | undefined;
  private readonly receivers = new Set<(bytes: Buffer) => void>();
  private readonly toHost: PacedQueue;
  private readonly toDevice: PacedQueue;

  constructor(readonly path: string) {
    this.toHost = new PacedQueue(
      (chunk) => this.port?.arrive(chunk),
      () => this.profile,
    );
    this.toDevice = new PacedQueue(
      (chunk) => this.receivers.forEach((receive) => receive(chunk)),
      () => this.profile,
    );
  }

  get isPlugged(): boolean {
    return this.plugged;
  }
  /** The host has the port open. */
  get isConnected(): boolean {
    return this.port !== undefined;
  }

  /** Sends bytes to the host; dropped when nobody has the port open, as on a real wire. */
  send(bytes: Uint8Array): void {
    if (this.port) this.toHost.push(bytes);
  }

  /** Registers the emulator's receiver; returns a function that removes it. */
  onReceive(receive: (bytes: Buffer) => void): () => void {
    this.receivers.add(receive);
    return () => this.receivers.delete(receive);
  }

  /** The cable is pulled: the host's port fails as a real disconnected port does. */
  unplug(): void {
    this.plugged = false;
    this.toHost.clear();
    this.toDevice.clear();
    this.port?.disconnect();
    this.port = undefined;
  }

  replug(): void {
    this.plugged = true;
  }

  /** @internal used by the binding */
  attach(port: SimPort): void {
    this.port = port;
  }
  /** @internal */
  detach(port: SimPort): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.toHost.clear();
  }
  /** @internal */
  fromHost(bytes: Buffer): void {
    this.toDevice.push(bytes);
  }
}

/** The host end: what SerialPortStream drives. */
class SimPort implements BindingPortInterface {
  isOpen = true;
  private unplugged = false;
  private readonly available: Buffer[] = [];
  private reader:
    | {
        buffer: Buffer;
        offset: number;
        length: number;
        resolve(result: { buffer: Buffer; bytesRead: number }): void;
        reject(error: Error): void;
      }
    | undefined;

  constructor(
    readonly openOptions: Required<OpenOptions>,
    private readonly wire: SimWire,
  ) {}

  arrive(chunk: Buffer): void {
    this.available.push(chunk);
    this.serveRead();
  }

  /** The cable is gone: the pending read fails (not cancelled), so the stream reports it. */
  disconnect(): void {
    this.unplugged = true;
    const reader = this.reader;
    this.reader = undefined;
    reader?.reject(new Error(`${this.wire.path}: device disconnected`));
  }

  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.wire.detach(this);
    const reader = this.reader;
    this.reader = undefined;
    reader?.reject(new CanceledError('port closed'));
  }

  read(buffer: Buffer, offset: number, length: number) {
    if (!this.isOpen) return Promise.reject(new CanceledError('port is closed'));
    if (this.unplugged) return Promise.reject(new Error(`${this.wire.path}: device disconnected`));
    return new Promise<{ buffer: Buffer; bytesRead: number }>((resolve, reject) => {
      this.reader = { buffer, offset, length, resolve, reject };
      this.serveRead();
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen || this.unplugged) throw new Error(`${this.wire.path}: port is not open`);
    this.wire.fromHost(Buffer.from(buffer));
  }

  async update(): Promise<void> {}
  async set(): Promise<void> {}
  async get(): Promise<PortStatus> {
    return { cts: true, dsr: true, dcd: false };
  }
  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }
  async flush(): Promise<void> {
    this.available.length = 0;
  }
  async drain(): Promise<void> {}

  private serveRead(): void {
    const reader = this.reader;
    if (!reader || this.available.length === 0) return;
    this.reader = undefined;
    let bytesRead = 0;
    for (
      let head = this.available[0];
      head && bytesRead < reader.length;
      head = this.available[0]
    ) {
      const count = Math.min(head.length, reader.length - bytesRead);
      head.copy(reader.buffer, reader.offset + bytesRead, 0, count);
      bytesRead += count;
      if (count === head.length) this.available.shift();
      else this.available[0] = head.subarray(count);
    }
    reader.resolve({ buffer: reader.buffer, bytesRead });
  }
}

const DEFAULT_OPEN: Omit<Required<OpenOptions>, 'path' | 'baudRate'> = {
  dataBits: 8,
  lock: true,
  stopBits: 1,
  parity: 'none',
  rtscts: false,
  xon: false,
  xoff: false,
  xany: false,
  hupcl: true,
};

/**
 * A serialport binding whose ports are simulated wires. Unlike @serialport/binding-mock it keeps
 * its ports per instance (no global registry), lets emulators answer writes, and supports unplug,
 * replug, latency, byte timing and fragmentation.
 */
export class SimBinding implements BindingInterface<SimPort> {
  private readonly wires = new Map<string, SimWire>();

  /** The wire at `path`, created on first use. */
  wire(path: string): SimWire {
    let wire = this.wires.get(path);
    if (!wire) {
      wire = new SimWire(path);
      this.wires.set(path, wire);
    }
    return wire;
  }

  async list(): Promise<PortInfo[]> {
    return [...this.wires.values()]
      .filter((wire) => wire.isPlugged)
      .map((wire) => ({
        path: wire.path,
        manufacturer: 'Homeline simulator',
        serialNumber: undefined,
        pnpId: undefined,
        locationId: undefined,
        productId: undefined,
        vendorId: undefined,
      }));
  }

  async open(options: OpenOptions): Promise<SimPort> {
    const wire = this.wires.get(options.path);
    if (!wire || !wire.isPlugged) {
      throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
    }
    if (wire.isConnected)
      throw new Error(`Error Resource temporarily unavailable Cannot lock port`);
    const port = new SimPort({ ...DEFAULT_OPEN, ...options }, wire);
    wire.attach(port);
    return port;
  }
}
