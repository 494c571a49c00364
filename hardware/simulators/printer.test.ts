import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeviceError,
  ReceiptDocumentBuilder,
  ReceiptDocumentError,
  ReceiptPrinter,
  type DeviceErrorEvent,
  type PrinterStatus,
} from '../hal';
import { EscPosDriver, EscPosOptionsSchema } from '../drivers/printer/escpos-driver';
import { renderEscPos } from '../drivers/printer/escpos-render';
import { SimBinding } from './binding';
import { EscPosInterpreter, receiptText, type PrintedLine } from './escpos-interpreter';
import { PrinterEmulator } from './printer-emulator';
import { nextEvent, TEST_TIMINGS } from './testing';

const devices: ReceiptPrinter[] = [];

async function rig(options: Record<string, unknown> = {}, now?: () => Date) {
  const binding = new SimBinding();
  const wire = binding.wire('printer');
  const emulator = new PrinterEmulator(wire);
  const driver = new EscPosDriver(
    { path: 'printer', baudRate: 38400, binding, parity: 'none' },
    // replies get a generous bound so a busy machine never fails a test; only the no-answer
    // test shortens it, where timing out is the point
    EscPosOptionsSchema.parse({ heartbeatMs: 50, replyTimeoutMs: 2000, ...options }),
  );
  const printer = new ReceiptPrinter('printer', driver, { timings: TEST_TIMINGS, now });
  devices.push(printer);
  await printer.open();
  await printer.claim();
  await printer.enable();
  return { printer, emulator, wire };
}

afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.close()));
});

/** Receipts as the backend builds them: heading, label/value rows, the reference as a QR code. */
const stampPurchase = new ReceiptDocumentBuilder()
  .printNormal('Test County Jail', { align: 'center', bold: true })
  .printNormal('STAMP PURCHASE', { align: 'center', bold: true, size: 2 })
  .printRule()
  .printColumns([{ text: 'Stamps' }, { text: '20' }])
  .printColumns([{ text: 'Price' }, { text: '$10.00', align: 'right' }], { bold: true })
  .printColumns([{ text: 'Paid with' }, { text: 'Mastercard ending 4444' }])
  .printQrCode('pur-77')
  .cutPaper()
  .build();

const releaseForm = new ReceiptDocumentBuilder()
  .printNormal('FORMULARIO DE LIBERACIÓN DE TABLETA', { align: 'center', bold: true, size: 2 })
  .printNormal('Número de serie de la tableta', { underline: true })
  .printNormal('  TAB-9001')
  .printNormal('Dirección de la agencia correccional', { underline: true })
  .printNormal('  1 Main St\n  Springfield, FL 32000')
  .printNormal('Nombre y apellido', { underline: true })
  .printNormal('  Ana Núñez')
  .printQrCode('rel-42')
  .cutPaper()
  .build();

describe('receipt printer over the simulated wire', () => {
  it('prints a stamp purchase the emulator renders back to text and HTML', async () => {
    const { printer, emulator } = await rig();
    await printer.print(stampPurchase);
    const [text] = emulator.printed();
    expect(text).toContain('STAMP PURCHASE');
    expect(text).toMatch(/Stamps\s+20/);
    expect(text).toMatch(/Price\s+\$10\.00/);
    expect(text).toContain('Mastercard ending 4444');
    expect(text).toContain('[QR pur-77]');
    expect(emulator.printedHtml()[0]).toContain('font-weight:bold');
  });

  it('prints Spanish text with accents through the code table', async () => {
    const { printer, emulator } = await rig();
    await printer.print(releaseForm);
    const [text] = emulator.printed();
    for (const expected of [
      'LIBERACIÓN', // double width wraps the title
      'Número de serie de la tableta',
      'TAB-9001',
      'Dirección de la agencia correccional',
      'Springfield, FL 32000',
      'Ana Núñez',
      '[QR rel-42]',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('refuses to print on paper out and cover open, and says so in a status event', async () => {
    const { printer, emulator } = await rig({ heartbeatMs: 10_000 });
    for (const [fault, condition] of [
      ['paperOut', 'paper_out'],
      ['coverOpen', 'cover_open'],
    ] as const) {
      emulator.faults[fault] = true;
      const status = nextEvent<PrinterStatus>(printer, 'status');
      const job = printer.print(stampPurchase);
      await expect(job).rejects.toMatchObject({ extendedCode: condition, locus: 'output' });
      expect((await status).condition).toBe(condition);
      emulator.faults[fault] = false;
    }
    expect(emulator.printed()).toHaveLength(0);
    await printer.print(stampPurchase);
    expect(emulator.printed()).toHaveLength(1);
  });

  it('warns on paper near end but still prints', async () => {
    const { printer, emulator } = await rig();
    emulator.faults.paperNearEnd = true;
    const status = nextEvent<PrinterStatus>(printer, 'status');
    await printer.print(stampPurchase);
    expect((await status).condition).toBe('paper_near_end');
    expect(emulator.printed()).toHaveLength(1);
  });

  it('refuses a document the roll cannot take as the caller error, and prints on', async () => {
    const { printer, emulator } = await rig();
    const deviceErrors: DeviceErrorEvent[] = [];
    printer.on('deviceError', (event: DeviceErrorEvent) => deviceErrors.push(event));
    const tooWide = new ReceiptDocumentBuilder()
      .printBitmap({ widthDots: 600, heightDots: 1, bits: new Uint8Array(75) })
      .build();
    await expect(printer.print(tooWide)).rejects.toBeInstanceOf(ReceiptDocumentError);
    expect(deviceErrors).toEqual([]); // the printer is fine: no error event, nothing to retry
    await printer.print(stampPurchase);
    expect(emulator.printed()).toHaveLength(1);
  });

  it('kicks the cash drawer (ESC p) and reads it open and closed from DLE EOT 1 bit 2', async () => {
    for (const openLevel of ['high', 'low'] as const) {
      const { printer, emulator } = await rig({ drawer: { openLevel } });
      emulator.drawer.openLevel = openLevel;
      expect(printer.capabilities.drawer).toBe(true);
      expect((await printer.readStatus()).drawerOpen).toBe(false);
      // the pin 3 level that means open is the drawer's: bit 2 follows it, not "open"
      expect(emulator.statusByte(1) & 0x04).toBe(openLevel === 'high' ? 0 : 0x04);

      const opened = nextEvent<PrinterStatus>(printer, 'status');
      await printer.openDrawer();
      expect(emulator.drawer).toMatchObject({ open: true, kicks: 1 });
      expect((await opened).drawerOpen).toBe(true);
      expect(emulator.printed()).toHaveLength(0); // a kick prints and cuts nothing

      const closed = nextEvent<PrinterStatus>(printer, 'status');
      emulator.closeDrawer();
      expect((await closed).drawerOpen).toBe(false); // seen by the heartbeat
      await printer.close();
    }
  });

  it('kicks the drawer from a receipt document, and refuses a kick with no drawer configured', async () => {
    const { printer, emulator } = await rig();
    expect((await printer.readStatus()).drawerOpen).toBeNull();
    await expect(printer.openDrawer()).rejects.toMatchObject({ code: 'illegal' });
    await printer.print(
      new ReceiptDocumentBuilder().printNormal('CASH').openDrawer().cutPaper().build(),
    );
    expect(emulator.drawer.kicks).toBe(1);
    expect(emulator.printed()[0]).toContain('CASH');
  });

  /**
   * Each fault as the manuals document it: the `DLE EOT 1..4` replies (written out here from the
   * manuals, not from the emulator), what a job does, and how the printer comes back.
   */
  // [fault, DLE EOT 1..4 replies, the job's refusal (null: it prints), how it comes back]
  const manualFaults = [
    ['paperOut', [0x1a, 0x32, 0x12, 0x72], 'paper_out', 'cause removed'],
    ['coverOpen', [0x1a, 0x16, 0x12, 0x12], 'cover_open', 'cause removed'],
    ['cutterError', [0x3a, 0x52, 0x1a, 0x12], null, 'recover command'],
    ['mechanicalError', [0x3a, 0x52, 0x16, 0x12], null, 'recover command'],
    ['overheat', [0x1a, 0x52, 0x52, 0x12], 'overheat', 'cause removed'],
    ['unrecoverable', [0x1a, 0x52, 0x32, 0x12], 'unrecoverable_error', 'power cycle'],
    ['paperNearEnd', [0x12, 0x12, 0x12, 0x1e], null, 'none needed'],
  ] as const;

  for (const [fault, replies, refusal, recovery] of manualFaults) {
    it(`${fault}: the documented status bits, and recovery by ${recovery}`, async () => {
      const { printer, emulator } = await rig({ heartbeatMs: 10_000 });
      emulator.faults[fault] = true;
      for (const [index, reply] of replies.entries()) {
        expect(emulator.statusByte(index + 1), `DLE EOT ${index + 1}`).toBe(reply);
      }
      if (recovery === 'recover command') {
        // the driver clears the recoverable class with one DLE ENQ 2 and prints
        await printer.print(stampPurchase);
        expect(emulator.recoverCommands).toBe(1);
        expect(emulator.faults[fault]).toBe(false);
        expect(emulator.printed()).toHaveLength(1);
        return;
      }
      if (refusal) {
        await expect(printer.print(stampPurchase)).rejects.toMatchObject({
          extendedCode: refusal,
          locus: 'output',
        });
        expect(emulator.printed()).toHaveLength(0);
        if (recovery === 'power cycle') {
          emulator.powerCycle();
        } else emulator.faults[fault] = false;
      }
      await printer.print(stampPurchase);
      expect(emulator.printed()).toHaveLength(1);
      // nothing but the recoverable class ever gets a recover command
      expect(emulator.recoverCommands).toBe(0);
    });
  }

  it('a recover command does not clear an overheat or an unrecoverable error', () => {
    let hostWrites: (bytes: Buffer) => void = () => undefined;
    const emulator = new PrinterEmulator({
      send: () => undefined,
      onReceive: (listener) => {
        hostWrites = listener;
        return () => undefined;
      },
    });
    emulator.faults.overheat = true;
    emulator.faults.unrecoverable = true;
    hostWrites(Buffer.of(0x10, 0x05, 0x01, 0x10, 0x05, 0x02));
    expect(emulator.recoverCommands).toBe(2);
    expect(emulator.faults).toMatchObject({ overheat: true, unrecoverable: true });
  });

  it('a failed job raises an error event whose retry prints it once the paper is back', async () => {
    const { printer, emulator } = await rig({ heartbeatMs: 10_000 });
    emulator.faults.paperOut = true;
    const failure = nextEvent<DeviceErrorEvent>(printer, 'deviceError');
    await expect(printer.print(stampPurchase)).rejects.toBeInstanceOf(DeviceError);
    const event = await failure;
    expect(event.error).toMatchObject({ extendedCode: 'paper_out', locus: 'output' });
    emulator.faults.paperOut = false;
    await event.respond('retry');
    expect(emulator.printed()).toHaveLength(1);
  });

  it('every heartbeat reply moves lastSeenAt (on the injected clock)', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const { printer } = await rig({ heartbeatMs: 30 }, () => clock);
    expect(printer.lastSeenAt).toBe('2026-01-01T00:00:00.000Z');
    clock = new Date('2026-01-01T00:05:00Z');
    const seen = await nextEvent<string>(printer, 'seen'); // the next heartbeat's reply
    expect(seen).toBe('2026-01-01T00:05:00.000Z');
    expect((await printer.checkHealth()).lastSeenAt).toBe(seen);
  });

  it('a job is sent, then printed only once the status after the cut is read', async () => {
    const { printer, emulator } = await rig({ heartbeatMs: 10_000 });
    const steps: string[] = [];
    await printer.print(stampPurchase, () => steps.push('sent'));
    steps.push('printed');
    expect(steps).toEqual(['sent', 'printed']);
    expect(emulator.printed()).toHaveLength(1); // confirmed after the cut, not at the send
    emulator.faults.coverOpen = true;
    const refused = printer.print(stampPurchase, () => steps.push('sent'));
    await expect(refused).rejects.toMatchObject({ extendedCode: 'cover_open' });
    expect(steps).toHaveLength(2); // never sent
  });

  it('goes offline when the printer stops answering the heartbeat, and back', async () => {
    const { printer, emulator } = await rig({
      heartbeatMs: 30,
      missedHeartbeats: 2,
      replyTimeoutMs: 150,
    });
    const offline = nextEvent(printer, 'power');
    emulator.faults.noAnswer = true;
    expect(await offline).toBe('offline');
    await expect(printer.print(stampPurchase)).rejects.toMatchObject({
      code: 'offline',
    });
    const online = nextEvent(printer, 'power');
    emulator.faults.noAnswer = false;
    expect(await online).toBe('online');
    await printer.print(stampPurchase);
    expect(emulator.printed()).toHaveLength(1);
  });

  it('survives unplug/replug and garbage on the line', async () => {
    const { printer, emulator, wire } = await rig();
    wire.send(Buffer.from([0x00, 0xff, 0x41, 0x10, 0x01, 0x02, 0x03]));
    const offline = nextEvent(printer, 'power');
    wire.unplug();
    expect(await offline).toBe('offline');
    const online = nextEvent(printer, 'power');
    wire.replug();
    expect(await online).toBe('online');
    wire.profile = { fragmentSize: 1, latencyMs: 5 };
    await printer.print(stampPurchase);
    expect(emulator.printed()[0]).toContain('STAMP PURCHASE');
  });
});

describe('ESC/POS interpreter', () => {
  const job = renderEscPos(releaseForm, { profile: 'escpos-generic', paper: '80mm' });
  const render = (chunks: Uint8Array[]) => {
    const receipts: PrintedLine[][] = [];
    const interpreter = new EscPosInterpreter({
      realTime: () => undefined,
      cut: (lines) => receipts.push(lines),
      canPrint: () => true,
    });
    for (const chunk of chunks) interpreter.feed(chunk);
    return receipts.map(receiptText);
  };

  it('renders the same receipt however the bytes are split', () => {
    const whole = render([job]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: job.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let start = 0;
        for (const point of [...points, job.length]) {
          chunks.push(job.subarray(start, point));
          start = point;
        }
        expect(render(chunks)).toEqual(whole);
      }),
    );
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        expect(() => render([bytes])).not.toThrow();
      }),
    );
  });
});
