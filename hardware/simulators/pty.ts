import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { PacedQueue, type LinkProfile } from './paced-queue';
import type { ControllableLink, DeviceWire } from './wire';

/** The socat binary, installing it with apt when missing; null when that is impossible. */
export function ensureSocat(): string | null {
  const found = () => {
    const which = spawnSync('which', ['socat'], { encoding: 'utf8' });
    return which.status === 0 ? which.stdout.trim() : null;
  };
  const existing = found();
  if (existing) return existing;
  const install = spawnSync('apt-get', ['install', '-y', 'socat'], { stdio: 'ignore' });
  return install.status === 0 ? found() : null;
}

async function waitFor(paths: string[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!paths.every((path) => existsSync(path))) {
    if (Date.now() > deadline) throw new Error(`socat did not create ${paths.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A pseudo-terminal pair made by socat: the app opens `appPath` like a real serial port, the
 * emulator speaks on the device end. Unplug kills socat (the app's port closes with
 * disconnected=true); replug starts it again on the same paths.
 */
export class PtyWire implements DeviceWire, ControllableLink {
  profile: LinkProfile = {};
  readonly appPath: string;
  private readonly devicePath: string;
  private socat: ChildProcess | undefined;
  private port: SerialPort | undefined;
  private readonly receivers = new Set<(bytes: Buffer) => void>();
  private readonly outgoing = new PacedQueue(
    (chunk) => this.port?.write(chunk),
    () => this.profile,
  );

  private constructor(
    private readonly socatPath: string,
    dir: string,
    name: string,
    private readonly baudRate: number,
  ) {
    this.appPath = join(dir, `${name}`);
    this.devicePath = join(dir, `${name}.device`);
  }

  static async open(
    socatPath: string,
    dir: string,
    name: string,
    baudRate: number,
  ): Promise<PtyWire> {
    const wire = new PtyWire(socatPath, dir, name, baudRate);
    await wire.start();
    return wire;
  }

  send(bytes: Uint8Array): void {
    this.outgoing.push(bytes);
  }

  onReceive(receive: (bytes: Buffer) => void): () => void {
    this.receivers.add(receive);
    return () => this.receivers.delete(receive);
  }

  unplug(): void {
    this.outgoing.clear();
    this.port?.close(() => undefined);
    this.port = undefined;
    this.socat?.kill('SIGTERM');
    this.socat = undefined;
    // as with a USB adapter pulled out, the device nodes go away
    for (const path of [this.appPath, this.devicePath]) rmSync(path, { force: true });
  }

  /** Resolves once both ends exist again and the emulator's end is open. */
  replug(): Promise<void> {
    return this.socat ? Promise.resolve() : this.start();
  }

  async close(): Promise<void> {
    this.unplug();
  }

  private async start(): Promise<void> {
    for (const path of [this.appPath, this.devicePath]) rmSync(path, { force: true });
    const socat = spawn(
      this.socatPath,
      [`pty,raw,echo=0,link=${this.appPath}`, `pty,raw,echo=0,link=${this.devicePath}`],
      { stdio: 'ignore' },
    );
    this.socat = socat;
    await waitFor([this.appPath, this.devicePath], 5000);
    const port = new SerialPort({
      path: this.devicePath,
      baudRate: this.baudRate,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    );
    port.on('data', (chunk: Buffer) => this.receivers.forEach((receive) => receive(chunk)));
    port.on('error', () => undefined);
    this.port = port;
  }
}
