import { afterEach, describe, expect, it } from 'vitest';
import {
  ReceiptDocumentBuilder,
  DeviceConfigError,
  DeviceManager,
  type BadgeScan,
  type BillEvent,
  type BillStatus,
  type CardResult,
  type DeviceErrorEvent,
  type PrinterStatus,
} from '../hal';
import { standardDrivers } from '../drivers';
import {
  BILL_ACCEPTOR_PROTOCOLS,
  FAULT_NAMES,
  createSimulatedKiosk,
  type BillAcceptorProtocol,
  type FaultRequest,
} from './kiosk';
import { MemoryBillJournal, nextEvent, TEST_TIMINGS } from './testing';

const managers: DeviceManager[] = [];

async function startKiosk(billAcceptor?: BillAcceptorProtocol) {
  const kiosk = createSimulatedKiosk({ pace: 'fast', billAcceptor });
  const manager = new DeviceManager(kiosk.config, {
    drivers: standardDrivers,
    simulatedBinding: kiosk.binding,
    billJournal: new MemoryBillJournal(),
    timings: TEST_TIMINGS,
  });
  managers.push(manager);
  await manager.start();
  const card = manager.first('CardReader');
  const printer = manager.first('ReceiptPrinter');
  const cash = manager.first('BillAcceptor');
  const badge = manager.first('BadgeScanner');
  if (!card || !printer || !cash || !badge) throw new Error('kiosk incomplete');
  return { kiosk, manager, card, printer, cash, badge };
}

afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.stop()));
});

const receipt = new ReceiptDocumentBuilder()
  .printNormal('PRINTER TEST', { align: 'center', bold: true })
  .printBarCode('0123456789')
  .cutPaper()
  .build();

describe('device configuration', () => {
  const kiosk = createSimulatedKiosk();
  const base = {
    drivers: standardDrivers,
    simulatedBinding: kiosk.binding,
    billJournal: new MemoryBillJournal(),
  };

  it('refuses bad configurations with a DeviceConfigError naming the problem', () => {
    const cases: [unknown, RegExp][] = [
      [null, /invalid device configuration/],
      [{ devices: { Card: kiosk.config.devices.card } }, /devices\.Card/],
      [
        { devices: { card: { ...kiosk.config.devices.card, driver: 'nope' } } },
        /unknown driver "nope"/,
      ],
      [
        { devices: { card: { ...kiosk.config.devices.card, class: 'ReceiptPrinter' } } },
        /drives a CardReader/,
      ],
      [
        {
          devices: {
            card: { ...kiosk.config.devices.card, options: { tokenSecret: 'x'.repeat(40) } },
          },
        },
        /tokenSecret is no longer used/,
      ],
      [
        {
          devices: {
            p: {
              class: 'ReceiptPrinter',
              driver: 'escpos',
              port: { kind: 'serial', path: '', baudRate: 9600 },
            },
          },
        },
        /path/,
      ],
      [
        { devices: { card: { ...kiosk.config.devices.card, extra: 1 } } },
        /invalid device configuration/,
      ],
    ];
    for (const [config, message] of cases) {
      expect(() => new DeviceManager(config, base)).toThrow(DeviceConfigError);
      expect(() => new DeviceManager(config, base)).toThrow(message);
    }
    expect(() => new DeviceManager(kiosk.config, { drivers: standardDrivers })).toThrow(
      /simulator binding/,
    );
  });
});

describe('simulated kiosk through the device manager', () => {
  it('runs every device: swipe, print, cash, badge; health reports them all', async () => {
    const { kiosk, manager, card, printer, cash, badge } = await startKiosk();
    const health = await manager.health('external');
    expect(health.map((report) => [report.name, report.power])).toEqual([
      ['card', 'online'],
      ['printer', 'online'],
      ['cash', 'online'],
      ['badge', 'online'],
    ]);
    expect(health.find((report) => report.name === 'cash')?.detail).toBe('disabled');

    await card.enable();
    const read = nextEvent<CardResult>(card, 'data');
    kiosk.controls.swipe({ card: 'visa' });
    expect(await read).toMatchObject({ brand: 'visa', funding: 'credit' });

    await printer.enable();
    await printer.print(receipt);
    expect(kiosk.controls.printed()[0]).toContain('PRINTER TEST');
    const interactive = await printer.checkHealth('interactive');
    expect(interactive.detail).toBe('test page printed');
    expect(kiosk.controls.printed()).toHaveLength(2);

    // inhibited until a cash session enables it: the slot says why it refuses a bill
    expect(kiosk.controls.billSlotClosedBecause()).toBe('inhibited');
    expect(kiosk.controls.insertBill(100)).toBe(false);
    await cash.enable();
    expect(kiosk.controls.billSlotClosedBecause()).toBeNull();
    const escrow = nextEvent<BillEvent>(cash, 'data');
    expect(kiosk.controls.insertBill(100)).toBe(true);
    expect(await escrow).toMatchObject({ kind: 'escrow', cents: 100 });
    expect(kiosk.controls.billSlotClosedBecause()).toBe('busy');

    await badge.enable();
    const scan = nextEvent<BadgeScan>(badge, 'data');
    kiosk.controls.scanBadge('S123456', { aim: ']C0', lineEnd: 'crlf' });
    expect(await scan).toEqual({ token: 'S123456', symbology: 'code128' });
  });

  it('every injectable fault shows up in what the app sees', async () => {
    const { kiosk, card, printer, cash, badge } = await startKiosk();
    await Promise.all([card.enable(), printer.enable(), cash.enable(), badge.enable()]);
    const seen = new Set<string>();
    const statusOf = (device: typeof printer | typeof cash, predicate: (s: never) => boolean) =>
      new Promise<void>((resolve) => {
        const listener = (status: never) => {
          if (!predicate(status)) return;
          device.off('status', listener as never);
          resolve();
        };
        device.on('status', listener as never);
      });
    const inject = (request: FaultRequest) => {
      seen.add(request.fault);
      kiosk.controls.inject(request);
    };

    // printer sensors: a status event with the condition, and a refused job
    for (const [fault, condition, refusal] of [
      ['paper_out', 'paper_out', 'paper_out'],
      ['cover_open', 'cover_open', 'cover_open'],
      ['cutter_error', 'error', null], // recovered by the driver's DLE ENQ
      ['mechanical_error', 'error', null], // likewise
      ['overheat', 'error', 'overheat'],
      ['unrecoverable_error', 'error', 'unrecoverable_error'],
      ['paper_near_end', 'paper_near_end', null],
    ] as const) {
      const status = statusOf(printer, (s: PrinterStatus) => s.condition === condition);
      inject({ fault });
      await status;
      if (refusal) {
        await expect(printer.print(receipt)).rejects.toMatchObject({ extendedCode: refusal });
      }
      inject({ fault, on: false });
    }
    await printer.print(receipt);

    // the cash drawer pulled open and pushed shut: the status says so
    for (const on of [true, false]) {
      const drawer = statusOf(printer, (s: PrinterStatus) => s.drawerOpen === on);
      inject({ fault: 'drawer_open', on });
      await drawer;
    }

    // acceptor faults: status and error events
    for (const [fault, state] of [
      ['jam', 'jammed'],
      ['cassette_full', 'cassette_full'],
    ] as const) {
      const status = statusOf(cash, (s: BillStatus) => s.state === state);
      const failure = nextEvent<DeviceErrorEvent>(cash, 'deviceError');
      inject({ fault });
      await status;
      expect((await failure).error.errorClass).toBe('hardware');
      inject({ fault, on: false });
    }

    // power cycle: the acceptor restarts; the app sees it go offline and come back
    const restarted = nextEvent(cash, 'power');
    inject({ fault: 'power_cycle' });
    expect(await restarted).toBe('offline');
    expect(await nextEvent(cash, 'power')).toBe('online');

    // no answer: printer and acceptor go offline, then online when answering again
    for (const device of [printer, cash]) {
      const name = device.name as 'printer' | 'cash';
      const offline = nextEvent(device, 'power');
      inject({ fault: 'no_answer', device: name });
      expect(await offline).toBe('offline');
      const online = nextEvent(device, 'power');
      inject({ fault: 'no_answer', device: name, on: false });
      expect(await online).toBe('online');
    }

    // unplug / replug: offline, then online by itself
    const unplugged = nextEvent(badge, 'power');
    inject({ fault: 'unplug', device: 'badge' });
    expect(await unplugged).toBe('offline');
    const back = nextEvent(badge, 'power');
    inject({ fault: 'replug', device: 'badge' });
    expect(await back).toBe('online');

    // garbage on the badge line and a partial swipe: typed error events, then normal reads
    await badge.enable();
    const garbage = nextEvent<DeviceErrorEvent>(badge, 'deviceError');
    inject({ fault: 'garbage', device: 'badge' });
    kiosk.emulators.badge.scan('');
    expect((await garbage).error.locus).toBe('input_data');

    await card.enable();
    const partial = nextEvent<DeviceErrorEvent>(card, 'deviceError');
    inject({ fault: 'partial_swipe' });
    expect((await partial).error.code).toBe('extended');

    // slow link and partial frames: still works, just slower / in pieces; then normal again
    for (const fault of ['slow_link', 'partial_frames'] as const) {
      inject({ fault, device: 'card' });
      await card.enable();
      const read = nextEvent<CardResult>(card, 'data');
      kiosk.controls.swipe({ card: 'mastercard' });
      expect((await read).last4).toBe('4444');
      inject({ fault: 'normal_link', device: 'card' });
    }

    expect([...seen].sort()).toEqual([...FAULT_NAMES].sort());
  });

  it.each(BILL_ACCEPTOR_PROTOCOLS)(
    'the configuration picks the acceptor (%s): the same cash flow and faults',
    async (protocol) => {
      const { kiosk, cash } = await startKiosk(protocol);
      expect(kiosk.config.devices.cash?.driver).toBe(protocol);
      await cash.enable();
      const escrow = nextEvent<BillEvent>(cash, 'data');
      expect(kiosk.controls.insertBill(2000)).toBe(true);
      expect(await escrow).toEqual({ kind: 'escrow', cents: 2000, currency: 'USD' });
      const stacked = nextEvent<BillEvent>(cash, 'data');
      await cash.acceptEscrow();
      expect(await stacked).toMatchObject({ kind: 'stacked', credit: { cents: 2000 } });
      for (const [fault, state] of [
        ['jam', 'jammed'],
        ['cassette_full', 'cassette_full'],
      ] as const) {
        const status = new Promise<void>((resolve) =>
          cash.on('status', (s: BillStatus) => s.state === state && resolve()),
        );
        kiosk.controls.inject({ fault });
        await status;
        expect(kiosk.controls.billSlotClosedBecause()).toBe(state);
        kiosk.controls.inject({ fault, on: false });
      }
      const restarted = nextEvent(cash, 'power');
      kiosk.controls.inject({ fault: 'power_cycle' });
      expect(await restarted).toBe('offline');
      expect(await nextEvent(cash, 'power')).toBe('online');
    },
  );

  it('refuses an unknown fault with a validation error', () => {
    const kiosk = createSimulatedKiosk();
    expect(() => kiosk.controls.inject({ fault: 'melt' as 'jam' })).toThrow(/fault/);
  });
});
