import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BillAcceptor, type BillEvent, type CardResult, CardReader } from '../hal';
import { CcTalkDriver, CcTalkOptionsSchema } from '../drivers/bill/cctalk-driver';
import { Id003Driver, Id003OptionsSchema } from '../drivers/bill/id003-driver';
import { MagstripeDriver, MagstripeOptionsSchema } from '../drivers/card/magstripe-driver';
import { BillAcceptorEmulator } from './bill-emulator';
import { CardReaderEmulator } from './card-emulator';
import { CcTalkBillValidatorEmulator } from './cctalk-emulator';
import { PtyWire, ensureSocat } from './pty';
import { MemoryBillJournal, nextEvent, TEST_TIMINGS } from './testing';

const socat = ensureSocat();
if (!socat) console.warn('pty test skipped: socat is absent and could not be installed');

describe.skipIf(!socat)('card reader on a real socat pseudo-terminal pair', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeline-pty-'));
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a swipe through the OS serial driver, survives socat dying and coming back', async () => {
    const wire = await PtyWire.open(socat as string, dir, 'card', 9600);
    cleanup.push(() => wire.close());
    const emulator = new CardReaderEmulator(wire);
    const reader = new CardReader(
      'card',
      new MagstripeDriver(
        {
          path: wire.appPath,
          baudRate: 9600,
          binding: SerialPort.binding,
          parity: 'none',
          presenceCheckMs: 100,
        },
        MagstripeOptionsSchema.parse({}),
      ),
      { timings: TEST_TIMINGS },
    );
    cleanup.push(() => reader.close());
    await reader.open();
    await reader.claim();
    expect(reader.power).toBe('online');
    await reader.enable();
    const read = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'mastercard' });
    expect((await read).last4).toBe('4444');

    const offline = nextEvent(reader, 'power');
    wire.unplug();
    expect(await offline).toBe('offline');
    const online = nextEvent(reader, 'power', 8000);
    await wire.replug();
    expect(await online).toBe('online');
    await reader.enable();
    const again = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'visa' });
    expect((await again).last4).toBe('1111');
  });
});

describe.skipIf(!socat)('bill acceptors on a real socat pseudo-terminal pair', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeline-pty-bill-'));
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['id003', 'cctalk'] as const)(
    '%s: a bill escrowed, stacked and credited through the OS serial driver',
    async (protocol) => {
      const wire = await PtyWire.open(socat as string, dir, protocol, 9600);
      cleanup.push(() => wire.close());
      const emulator =
        protocol === 'id003'
          ? new BillAcceptorEmulator(wire)
          : new CcTalkBillValidatorEmulator(wire);
      const journal = new MemoryBillJournal();
      const target = { path: wire.appPath, baudRate: 9600, binding: SerialPort.binding };
      const driver =
        protocol === 'id003'
          ? new Id003Driver(
              'cash',
              { ...target, parity: 'even' },
              Id003OptionsSchema.parse({ replyTimeoutMs: 2000 }),
              journal,
            )
          : new CcTalkDriver(
              'cash',
              { ...target, parity: 'none' },
              CcTalkOptionsSchema.parse({ replyTimeoutMs: 2000 }),
              journal,
            );
      const acceptor = new BillAcceptor('cash', driver, { timings: TEST_TIMINGS });
      cleanup.push(() => acceptor.close());
      await acceptor.open();
      await acceptor.claim();
      await acceptor.enable();
      const escrow = nextEvent<BillEvent>(acceptor, 'data');
      expect(emulator.insertBill(2000)).toBe(true);
      expect(await escrow).toEqual({ kind: 'escrow', cents: 2000, currency: 'USD' });
      const stacked = nextEvent<BillEvent>(acceptor, 'data');
      await acceptor.acceptEscrow();
      expect(await stacked).toMatchObject({ kind: 'stacked', credit: { cents: 2000 } });
      expect(journal.creditedCents()).toBe(2000);
      expect(emulator.cassette).toEqual([2000]);
    },
  );
});
