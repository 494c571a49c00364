import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardReader, type CardResult } from '../hal';
import { MagstripeDriver, MagstripeOptionsSchema } from '../drivers/card/magstripe-driver';
import { CardReaderEmulator } from './card-emulator';
import { PtyWire, ensureSocat } from './pty';
import { nextEvent, TEST_TIMINGS } from './testing';

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
