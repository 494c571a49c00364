import { z } from 'zod';
import {
  DeviceConfigError,
  parseDriverOptions,
  type BadgeScan,
  type BadgeScannerCapabilities,
  type BadgeScannerDriver,
  type DriverContext,
  type DriverFactory,
  type DriverSink,
  type DriverSpec,
} from '../../hal';
import { SerialLink, linkTarget, type LinkTarget } from '../serial/link';
import { BadgeLineFramer } from './line-framer';

export const BadgeOptionsSchema = z
  .object({
    maxLength: z.number().int().min(4).max(256).default(64),
    /** The badge format (after any AIM prefix); the default matches the contract's badge token. */
    pattern: z.string().min(1).max(200).default('^[A-Z0-9-]{6,32}$'),
  })
  .strict();
export type BadgeOptions = z.output<typeof BadgeOptionsSchema>;

/** Serial (USB-CDC) badge scanner: one CR-terminated line per scan. */
export class BadgeDriver implements BadgeScannerDriver {
  readonly capabilities: BadgeScannerCapabilities;
  private link: SerialLink | undefined;
  private inputEnabled = false;
  private readonly format: RegExp;
  private framer: BadgeLineFramer;

  constructor(
    private readonly target: LinkTarget,
    private readonly options: BadgeOptions,
  ) {
    try {
      this.format = new RegExp(options.pattern);
    } catch {
      throw new DeviceConfigError(
        `badge pattern is not a valid regular expression: ${options.pattern}`,
      );
    }
    this.framer = new BadgeLineFramer(options.maxLength, this.format);
    this.capabilities = { maxLength: options.maxLength, aimPrefix: true };
  }

  async connect(sink: DriverSink<BadgeScan, never>): Promise<void> {
    this.framer = new BadgeLineFramer(this.options.maxLength, this.format);
    const link = new SerialLink(this.target, {
      data: (chunk) => {
        sink.seen();
        for (const event of this.framer.push(chunk)) {
          if (!this.inputEnabled) continue;
          if (event.kind === 'scan') sink.data(event.scan);
          else sink.error(event.error);
        }
      },
      lost: (reason) => sink.lost(reason),
    });
    await link.open();
    this.link = link;
  }

  async disconnect(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  async setInputEnabled(enabled: boolean): Promise<void> {
    this.inputEnabled = enabled;
  }

  async probe(): Promise<string> {
    return this.link?.isOpen ? 'port open' : 'port closed';
  }
}

export const badgeDriver: DriverFactory = {
  deviceClass: 'BadgeScanner',
  create(spec: DriverSpec, context: DriverContext) {
    const options = parseDriverOptions(spec.name, BadgeOptionsSchema, spec.options);
    return new BadgeDriver(linkTarget(spec, context), options);
  },
};
