import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  DeviceConfigError,
  DeviceManager,
  ReceiptDocumentBuilder,
  ReceiptPrinter,
  type ReceiptDocument,
} from '../hal';
import { standardDrivers } from '../drivers';
import { EscPosDriver, EscPosOptionsSchema } from '../drivers/printer/escpos-driver';
import type { ByteLinkTarget } from '../drivers/transport/byte-link';
import { PrinterEmulator } from './printer-emulator';
import { PtyWire, ensureSocat } from './pty';
import { TcpDeviceWire } from './tcp-wire';
import { nextEvent, TEST_TIMINGS } from './testing';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const receipt = (title: string): ReceiptDocument =>
  new ReceiptDocumentBuilder()
    .printNormal(title, { align: 'center', bold: true })
    .printColumns([{ text: 'Total' }, { text: '$22.95' }])
    .printQrCode('3f2504e0-4f89-41d3-9a0c-0305e82c3301')
    .cutPaper()
    .build();

async function printerOn(target: ByteLinkTarget): Promise<ReceiptPrinter> {
  const driver = new EscPosDriver(
    target,
    EscPosOptionsSchema.parse({ heartbeatMs: 100, replyTimeoutMs: 2000 }),
  );
  const printer = new ReceiptPrinter('printer', driver, { timings: TEST_TIMINGS });
  cleanup.push(() => printer.close());
  await printer.open();
  await printer.claim();
  await printer.enable();
  return printer;
}

/** Pulls the link (and plugs it back, if that is a step) and waits for offline, then online. */
async function goesOfflineAndBack(
  printer: ReceiptPrinter,
  pull: () => void,
  plugBack: () => Promise<void> = async () => undefined,
): Promise<void> {
  const offline = nextEvent(printer, 'power');
  pull();
  expect(await offline).toBe('offline');
  const online = nextEvent(printer, 'power');
  await plugBack();
  expect(await online).toBe('online');
}

/** A port on 127.0.0.1 that nothing listens on: one the OS gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('network printer on TCP 9100 (emulator listening on 127.0.0.1:0)', () => {
  it('prints and reads status over the socket, and reconnects after the socket drops', async () => {
    const wire = await TcpDeviceWire.listen();
    cleanup.push(() => wire.close());
    const emulator = new PrinterEmulator(wire);
    const printer = await printerOn({
      kind: 'tcp',
      host: '127.0.0.1',
      port: wire.port,
      connectTimeoutMs: 2000,
    });
    expect(printer.power).toBe('online');
    expect(printer.capabilities.transport).toBe('tcp');
    await printer.print(receipt('FIRST'));
    expect(emulator.printed()[0]).toContain('FIRST');

    // a dropped socket: the driver reconnects by itself, the printer comes back
    await goesOfflineAndBack(printer, () => wire.drop());
    expect(wire.connections).toBe(2);
    await printer.print(receipt('AFTER THE DROP'));
    expect(emulator.printed()[1]).toContain('AFTER THE DROP');
  });

  it('a printer address nobody answers on leaves it offline with one clear line', async () => {
    const port = await closedPort();
    const printer = await printerOn({
      kind: 'tcp',
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 2000,
    });
    expect(printer.power).toBe('offline');
    const { detail } = await printer.checkHealth();
    expect(detail).toBe(
      `printer at 127.0.0.1:${port} refused the connection (is it on, and is the port right?)`,
    );
  });
});

const socat = ensureSocat();
if (!socat)
  console.warn('USB printer-class test skipped: socat is absent and could not be installed');

describe.skipIf(!socat)(
  'USB printer-class device (a real pty pair, the emulator behind it)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'homeline-lp-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes jobs and reads status through the character device, and survives an unplug', async () => {
      const wire = await PtyWire.open(socat as string, dir, 'lp0', 115_200);
      cleanup.push(() => wire.close());
      const emulator = new PrinterEmulator(wire);
      const printer = await printerOn({
        kind: 'usb-printer',
        path: wire.appPath,
        presenceCheckMs: 50,
      });
      expect(printer.capabilities.transport).toBe('usb-printer');
      emulator.faults.paperNearEnd = true;
      expect((await printer.readStatus()).condition).toBe('paper_near_end');
      await printer.print(receipt('OVER USB'));
      expect(emulator.printed()[0]).toContain('OVER USB');

      await goesOfflineAndBack(
        printer,
        () => wire.unplug(),
        () => wire.replug(),
      );
      await printer.print(receipt('REPLUGGED'));
      expect(emulator.printed()[1]).toContain('REPLUGGED');
    });

    it('a wrong device path leaves the printer offline with one clear line', async () => {
      const path = join(dir, 'no-such-lp');
      const printer = await printerOn({ kind: 'usb-printer', path });
      expect(printer.power).toBe('offline');
      expect((await printer.checkHealth()).detail).toBe(
        `cannot open USB printer ${path}: no such device (is the printer plugged in and the path right?)`,
      );
    });
  },
);

describe('printer ports in the device configuration', () => {
  const manager = (port: unknown, driver = 'escpos', deviceClass = 'ReceiptPrinter') =>
    new DeviceManager(
      { devices: { printer: { class: deviceClass, driver, port } } },
      { drivers: standardDrivers },
    );

  it('takes a USB printer path and a TCP host, with 9100 as the default port', () => {
    const usb = manager({ kind: 'usb-printer', path: '/dev/usb/lp0' }).first('ReceiptPrinter');
    expect(usb?.capabilities.transport).toBe('usb-printer');
    const tcp = manager({ kind: 'tcp', host: 'printer-3.lobby.example' }).first('ReceiptPrinter');
    expect(tcp?.capabilities.transport).toBe('tcp');
  });

  it('refuses a bad path, a bad host or port, and a serial-only driver on them, in one line each', () => {
    const cases: [unknown, RegExp, string?, string?][] = [
      [
        { kind: 'usb-printer', path: 'lp0' },
        /devices\.printer\.port\.path: an absolute device path/,
      ],
      [{ kind: 'usb-printer', path: '/dev/../etc/passwd' }, /an absolute device path/],
      [{ kind: 'tcp', host: 'bad host;rm' }, /devices\.printer\.port\.host: a host name or an IP/],
      [{ kind: 'tcp', host: '10.0.0.5', port: 70_000 }, /devices\.printer\.port\.port/],
      [
        { kind: 'tcp', host: '10.0.0.5' },
        /device printer: this driver speaks over a serial port, not a tcp port/,
        'badge-serial',
        'BadgeScanner',
      ],
    ];
    for (const [port, message, driver, deviceClass] of cases) {
      let error: unknown;
      try {
        manager(port, driver, deviceClass);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DeviceConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
