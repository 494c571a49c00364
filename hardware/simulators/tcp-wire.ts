import { createServer, type Server, type Socket } from 'node:net';
import type { DeviceWire } from './wire';

/**
 * The device side of a network printer's raw port: a TCP server on 127.0.0.1 (port 0, so the OS
 * picks a free one) that, like a printer's 9100 port, serves one client at a time; a newer
 * connection replaces the older. `drop()` cuts the current connection as a network fault would.
 */
export class TcpDeviceWire implements DeviceWire {
  private socket: Socket | undefined;
  private readonly receivers = new Set<(bytes: Buffer) => void>();
  /** Connections accepted so far (a reconnect adds one). */
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.socket?.destroy();
      this.socket = socket;
      this.connections += 1;
      socket.on('data', (chunk: Buffer) => this.receivers.forEach((receive) => receive(chunk)));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
      });
    });
  }

  static async listen(): Promise<TcpDeviceWire> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    return new TcpDeviceWire(server, address.port);
  }

  send(bytes: Uint8Array): void {
    this.socket?.write(bytes);
  }

  onReceive(receive: (bytes: Buffer) => void): () => void {
    this.receivers.add(receive);
    return () => this.receivers.delete(receive);
  }

  /** Cuts the current connection (the printer rebooted, a switch dropped it). */
  drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  close(): Promise<void> {
    this.drop();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
