import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { DeviceConfigInput } from '../hal';
import { SimBinding } from './binding';
import { BadgeScannerEmulator, type ScanOptions } from './badge-emulator';
import {
  BillAcceptorEmulator,
  type BillOutcome,
  type BillValidatorEmulator,
} from './bill-emulator';
import { CcTalkBillValidatorEmulator } from './cctalk-emulator';
import { CardReaderEmulator, type TestSwipe } from './card-emulator';
import { PrinterEmulator } from './printer-emulator';
import type { ControllableLink, DeviceWire } from './wire';

export const SIMULATED_DEVICES = ['card', 'printer', 'cash', 'badge'] as const;
export type SimulatedDevice = (typeof SIMULATED_DEVICES)[number];

/**
 * Faults of the printer's sensors and error classes (the default device for them), and its cash
 * drawer's switch: `drawer_open` on is the drawer pulled open, off pushed shut by hand.
 */
const PRINTER_FAULT_NAMES = [
  'paper_out',
  'paper_near_end',
  'cover_open',
  'cutter_error',
  'mechanical_error',
  'overheat',
  'unrecoverable_error',
  'drawer_open',
] as const;

export const FAULT_NAMES = [
  ...PRINTER_FAULT_NAMES,
  'jam',
  'cassette_full',
  'power_cycle',
  'no_answer',
  'unplug',
  'replug',
  'garbage',
  'slow_link',
  'partial_frames',
  'normal_link',
  'partial_swipe',
] as const;

const PRINTER_FAULTS: ReadonlySet<string> = new Set(PRINTER_FAULT_NAMES);

/** A fault a tester injects; `on: false` clears a lasting one (paper back, jam cleared...). */
export const FaultRequestSchema = z
  .object({
    fault: z.enum(FAULT_NAMES),
    device: z.enum(SIMULATED_DEVICES).optional(),
    on: z.boolean().default(true),
  })
  .strict();
export type FaultRequest = z.input<typeof FaultRequestSchema>;

export interface KioskEmulators {
  card: CardReaderEmulator;
  printer: PrinterEmulator;
  cash: BillValidatorEmulator;
  badge: BadgeScannerEmulator;
}

export interface KioskControls {
  swipe(swipe: TestSwipe): void;
  /** False when the slot is closed; `decided` hears what the acceptor did with the bill. */
  insertBill(cents: number, decided?: (outcome: BillOutcome) => void): boolean;
  /** Why the acceptor's slot is closed now (jammed, cassette_full, not_started, busy, inhibited), or null. */
  billSlotClosedBecause(): string | null;
  scanBadge(badge: string, options?: ScanOptions): void;
  printed(): string[];
  printedHtml(): string[];
  /** Throws a ZodError for an unknown fault or device. */
  inject(fault: FaultRequest): void;
}

export interface SimulatedKiosk {
  /** Device configuration for DeviceManager / createDeviceService, every port simulated. */
  config: DeviceConfigInput;
  /** Pass as `simulatedBinding`. */
  binding: SimBinding;
  emulators: KioskEmulators;
  controls: KioskControls;
}

/** The bill acceptor protocols the simulator speaks, by the driver name in the configuration. */
export const BILL_ACCEPTOR_PROTOCOLS = ['id003', 'cctalk'] as const;
export type BillAcceptorProtocol = (typeof BILL_ACCEPTOR_PROTOCOLS)[number];

export interface SimulatedKioskOptions {
  /** Which acceptor sits in the kiosk: JCM ID-003 (default) or a ccTalk bill validator. */
  billAcceptor?: BillAcceptorProtocol;
  /** `fast` shortens polls and heartbeats so tests see offline/online in milliseconds. */
  pace?: 'realistic' | 'fast';
  /** The card processor the reader tokenizes at (its address and publishable key). */
  processor?: { url: string; publishableKey: string };
}

/** The device configuration of a kiosk whose four devices are emulated. */
export function simulatedDeviceConfig({
  pace = 'realistic',
  processor,
  billAcceptor = 'id003',
}: SimulatedKioskOptions = {}): DeviceConfigInput {
  const fast = pace === 'fast';
  return {
    devices: {
      card: {
        class: 'CardReader',
        driver: 'magstripe',
        port: { kind: 'simulated', baudRate: 9600 },
        // test BIN table so screens can show the credit/prepaid warnings
        options: {
          ...(processor && { processor }),
          fundingByIin: {
            '411111': 'credit',
            '401288': 'debit',
            '510510': 'prepaid',
            '555555': 'debit',
          },
        },
      },
      printer: {
        class: 'ReceiptPrinter',
        driver: 'escpos',
        port: { kind: 'simulated', baudRate: 38400 },
        options: {
          // the emulator's drawer: pin 3 high when open
          drawer: { openLevel: 'high' },
          ...(fast
            ? { heartbeatMs: 40, missedHeartbeats: 2, replyTimeoutMs: 100 }
            : { heartbeatMs: 2000 }),
        },
      },
      cash: {
        class: 'BillAcceptor',
        driver: billAcceptor,
        port: { kind: 'simulated', baudRate: 9600 },
        options: fast ? { pollMs: 25, replyTimeoutMs: 100, missedPolls: 3 } : {},
      },
      badge: {
        class: 'BadgeScanner',
        driver: 'badge-serial',
        port: { kind: 'simulated', baudRate: 9600 },
      },
    },
  };
}

/** Emulators for the four devices on the given wires, and the tester's controls over them. */
export function emulateKiosk(
  wires: Record<SimulatedDevice, DeviceWire>,
  links?: Partial<Record<SimulatedDevice, ControllableLink>>,
  billAcceptor: BillAcceptorProtocol = 'id003',
): { emulators: KioskEmulators; controls: KioskControls } {
  const emulators: KioskEmulators = {
    card: new CardReaderEmulator(wires.card),
    printer: new PrinterEmulator(wires.printer),
    cash:
      billAcceptor === 'cctalk'
        ? new CcTalkBillValidatorEmulator(wires.cash)
        : new BillAcceptorEmulator(wires.cash),
    badge: new BadgeScannerEmulator(wires.badge),
  };
  const controls: KioskControls = {
    swipe: (swipe) => emulators.card.swipe(swipe),
    insertBill: (cents, decided) => emulators.cash.insertBill(cents, decided),
    billSlotClosedBecause: () => emulators.cash.slotClosedBecause(),
    scanBadge: (badge, options) => emulators.badge.scan(badge, options),
    printed: () => emulators.printer.printed(),
    printedHtml: () => emulators.printer.printedHtml(),
    inject: (raw) => injectFault(FaultRequestSchema.parse(raw), emulators, wires, links ?? {}),
  };
  return { emulators, controls };
}

function injectFault(
  request: z.output<typeof FaultRequestSchema>,
  emulators: KioskEmulators,
  wires: Record<SimulatedDevice, DeviceWire>,
  links: Partial<Record<SimulatedDevice, ControllableLink>>,
): void {
  const { fault, on } = request;
  const device = request.device ?? defaultDevice(fault);
  const printer = emulators.printer.faults;
  const cash = emulators.cash.faults;
  const link = links[device];
  switch (fault) {
    case 'paper_out':
      printer.paperOut = on;
      return;
    case 'paper_near_end':
      printer.paperNearEnd = on;
      return;
    case 'cover_open':
      printer.coverOpen = on;
      return;
    case 'cutter_error':
      printer.cutterError = on;
      return;
    case 'mechanical_error':
      printer.mechanicalError = on;
      return;
    case 'overheat':
      printer.overheat = on;
      return;
    case 'unrecoverable_error':
      printer.unrecoverable = on;
      return;
    case 'drawer_open':
      if (on) emulators.printer.drawer.open = true;
      else emulators.printer.closeDrawer();
      return;
    case 'jam':
      cash.jam = on;
      return;
    case 'cassette_full':
      cash.cassetteFull = on;
      return;
    case 'power_cycle':
      if (device === 'printer') emulators.printer.powerCycle();
      else emulators.cash.powerCycle();
      return;
    case 'no_answer':
      if (device === 'printer') printer.noAnswer = on;
      else if (device === 'cash') cash.noAnswer = on;
      else
        throw new Error(`${device} never answers anything: no_answer applies to printer and cash`);
      return;
    case 'garbage':
      wires[device].send(randomBytes(24));
      return;
    case 'partial_swipe':
      emulators.card.partialSwipe({ card: 'visa' }, 20);
      wires.card.send(Uint8Array.of(0x0d, 0x03));
      return;
    default:
      // a fault of the link rather than of the device: handled below, once the link is known
      break;
  }
  if (!link) throw new Error(`${fault} needs a controllable link for ${device}`);
  switch (fault) {
    case 'unplug':
      if (on) link.unplug();
      else replug(link, device);
      return;
    case 'replug':
      replug(link, device);
      return;
    case 'slow_link':
      link.profile = on ? { ...link.profile, latencyMs: 300, baudRate: 1200 } : {};
      return;
    case 'partial_frames':
      link.profile = on ? { ...link.profile, fragmentSize: 1 } : {};
      return;
    case 'normal_link':
      link.profile = {};
      return;
  }
}

function replug(link: ControllableLink, device: SimulatedDevice): void {
  Promise.resolve(link.replug()).catch((error: unknown) =>
    console.warn(`replug of ${device} failed: ${error instanceof Error ? error.message : error}`),
  );
}

function defaultDevice(fault: (typeof FAULT_NAMES)[number]): SimulatedDevice {
  if (PRINTER_FAULTS.has(fault)) return 'printer';
  if (['jam', 'cassette_full', 'power_cycle'].includes(fault)) return 'cash';
  if (fault === 'partial_swipe') return 'card';
  return 'printer';
}

/**
 * A fully simulated kiosk in-process: configuration and binding for the device layer, and the
 * emulators' controls for tests, the harness and the demo.
 */
export function createSimulatedKiosk(options: SimulatedKioskOptions = {}): SimulatedKiosk {
  const binding = new SimBinding();
  const links = {
    card: binding.wire('card'),
    printer: binding.wire('printer'),
    cash: binding.wire('cash'),
    badge: binding.wire('badge'),
  };
  const { emulators, controls } = emulateKiosk(links, links, options.billAcceptor);
  return {
    config: simulatedDeviceConfig(options),
    binding,
    emulators,
    controls,
  };
}
