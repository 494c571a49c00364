import { z } from 'zod';
import { DEVICE_CLASSES } from './device';
import { DeviceConfigError } from './errors';

/**
 * The device configuration: logical name -> class, driver, port and driver options. Options are
 * driver-specific and validated by the driver's own factory.
 */
const SerialPortSpecSchema = z
  .object({
    kind: z.literal('serial'),
    path: z.string().min(1).max(256),
    baudRate: z.number().int().min(300).max(921_600),
  })
  .strict();

/** A device emulated in-process; the manager gets the binding from its context. */
const SimulatedPortSpecSchema = z
  .object({
    kind: z.literal('simulated'),
    baudRate: z.number().int().min(300).max(921_600).default(9600),
  })
  .strict();

/**
 * A USB printer-class device (the kernel's usblp, e.g. `/dev/usb/lp0`): an absolute device path;
 * bytes are written to it and status replies read back where the printer has a back channel.
 */
const UsbPrinterPortSpecSchema = z
  .object({
    kind: z.literal('usb-printer'),
    path: z
      .string()
      .max(256)
      .regex(/^\/(?!.*\/\.\.?(\/|$))[\w./-]+$/, 'an absolute device path such as /dev/usb/lp0'),
  })
  .strict();

/** A network printer's raw port (TCP 9100, "JetDirect"): host name or IP address and port. */
const TcpPortSpecSchema = z
  .object({
    kind: z.literal('tcp'),
    host: z
      .string()
      .max(253)
      .regex(/^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$/, 'a host name or an IP address'),
    port: z.number().int().min(1).max(65_535).default(9100),
  })
  .strict();

const PortSpecSchema = z.discriminatedUnion('kind', [
  SerialPortSpecSchema,
  SimulatedPortSpecSchema,
  UsbPrinterPortSpecSchema,
  TcpPortSpecSchema,
]);
export type PortSpec = z.output<typeof PortSpecSchema>;

const DeviceEntrySchema = z
  .object({
    class: z.enum(DEVICE_CLASSES),
    driver: z.string().min(1).max(64),
    port: PortSpecSchema,
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type DeviceEntry = z.output<typeof DeviceEntrySchema>;

const logicalName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lowercase logical device name');

const DeviceConfigSchema = z.object({ devices: z.record(logicalName, DeviceEntrySchema) }).strict();
export type DeviceConfig = z.output<typeof DeviceConfigSchema>;
export type DeviceConfigInput = z.input<typeof DeviceConfigSchema>;

/** Parses a device configuration, or throws a DeviceConfigError listing every problem. */
export function parseDeviceConfig(raw: unknown): DeviceConfig {
  const result = DeviceConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new DeviceConfigError(`invalid device configuration: ${issues.join('; ')}`, issues);
}

/** Validates a driver's own options with its schema, naming the device in the error. */
export function parseDriverOptions<T extends z.ZodType>(
  device: string,
  schema: T,
  raw: unknown,
): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `devices.${device}.options.${issue.path.join('.')}: ${issue.message}`,
  );
  throw new DeviceConfigError(`invalid options for device ${device}: ${issues.join('; ')}`, issues);
}
