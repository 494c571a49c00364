import type { BindingInterface } from '@serialport/bindings-interface' with {
  'resolution-mode': 'require',
};
import { BadgeScanner, type BadgeScannerDriver } from './badge-scanner';
import { BillAcceptor, type BillAcceptorDriver, type BillJournal } from './bill-acceptor';
import { CardReader, type CardReaderDriver } from './card-reader';
import { parseDeviceConfig, type DeviceEntry, type PortSpec } from './config';
import type { DeviceClass, DeviceTimings, HealthLevel, HealthReport } from './device';
import { DeviceConfigError } from './errors';
import { ReceiptPrinter, type ReceiptPrinterDriver } from './receipt-printer';

export type AnyDevice = CardReader | ReceiptPrinter | BillAcceptor | BadgeScanner;

/** What a driver factory gets besides its own entry. */
export interface DriverContext {
  /** Binding used for `simulated` ports (the in-process simulator's). */
  simulatedBinding?: BindingInterface;
  /** Where bills are written durably at escrow, stack and credit (before the device is told). */
  billJournal?: BillJournal;
}

export interface DriverSpec {
  name: string;
  port: PortSpec;
  options: Record<string, unknown>;
}

export type DriverFactory =
  | {
      deviceClass: 'CardReader';
      create(spec: DriverSpec, context: DriverContext): CardReaderDriver;
    }
  | {
      deviceClass: 'ReceiptPrinter';
      create(spec: DriverSpec, context: DriverContext): ReceiptPrinterDriver;
    }
  | {
      deviceClass: 'BillAcceptor';
      create(spec: DriverSpec, context: DriverContext): BillAcceptorDriver;
    }
  | {
      deviceClass: 'BadgeScanner';
      create(spec: DriverSpec, context: DriverContext): BadgeScannerDriver;
    };

export type DriverRegistry = Readonly<Record<string, DriverFactory>>;

export interface DeviceManagerOptions extends DriverContext {
  drivers: DriverRegistry;
  timings?: Partial<DeviceTimings>;
}

/** Builds the devices of a configuration and runs their lifecycle together. */
export class DeviceManager {
  private readonly devices = new Map<string, AnyDevice>();
  private readonly simulated = new Set<string>();

  /** Throws DeviceConfigError for a bad configuration, an unknown driver or a class mismatch. */
  constructor(rawConfig: unknown, options: DeviceManagerOptions) {
    const config = parseDeviceConfig(rawConfig);
    for (const [name, entry] of Object.entries(config.devices)) {
      if (entry.port.kind === 'simulated') {
        if (!options.simulatedBinding)
          throw new DeviceConfigError(
            `device ${name} is simulated but no simulator binding was given`,
          );
        this.simulated.add(name);
      }
      this.devices.set(name, buildDevice(name, entry, options));
    }
  }

  list(): AnyDevice[] {
    return [...this.devices.values()];
  }

  get(name: string): AnyDevice | undefined {
    return this.devices.get(name);
  }

  isSimulated(name: string): boolean {
    return this.simulated.has(name);
  }

  /** The first device of a class, typed (a kiosk has at most one of each in practice). */
  first<K extends DeviceClass>(deviceClass: K): Extract<AnyDevice, { deviceClass: K }> | undefined {
    return this.list().find(
      (device): device is Extract<AnyDevice, { deviceClass: K }> =>
        device.deviceClass === deviceClass,
    );
  }

  /** Opens and claims every device; absent devices come up offline and keep reconnecting. */
  async start(): Promise<void> {
    await Promise.all(
      this.list().map(async (device) => {
        await device.open();
        await device.claim();
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.list().map((device) => device.close()));
  }

  health(level: HealthLevel = 'internal'): Promise<HealthReport[]> {
    return Promise.all(this.list().map((device) => device.checkHealth(level)));
  }
}

function buildDevice(name: string, entry: DeviceEntry, options: DeviceManagerOptions): AnyDevice {
  const factory = Object.hasOwn(options.drivers, entry.driver)
    ? options.drivers[entry.driver]
    : undefined;
  if (!factory) {
    throw new DeviceConfigError(
      `device ${name}: unknown driver "${entry.driver}" (known: ${Object.keys(options.drivers).join(', ')})`,
    );
  }
  if (factory.deviceClass !== entry.class) {
    throw new DeviceConfigError(
      `device ${name}: driver "${entry.driver}" drives a ${factory.deviceClass}, not a ${entry.class}`,
    );
  }
  const spec: DriverSpec = { name, port: entry.port, options: entry.options };
  const deviceOptions = { timings: options.timings };
  switch (factory.deviceClass) {
    case 'CardReader':
      return new CardReader(name, factory.create(spec, options), deviceOptions);
    case 'ReceiptPrinter':
      return new ReceiptPrinter(name, factory.create(spec, options), deviceOptions);
    case 'BillAcceptor':
      return new BillAcceptor(name, factory.create(spec, options), deviceOptions);
    case 'BadgeScanner':
      return new BadgeScanner(name, factory.create(spec, options), deviceOptions);
  }
}
