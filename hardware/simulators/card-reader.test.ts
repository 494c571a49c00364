import { afterEach, describe, expect, it } from 'vitest';
import { CardReader, DeviceError, type CardResult, type DeviceErrorEvent } from '../hal';
import { MagstripeDriver, MagstripeOptionsSchema } from '../drivers/card/magstripe-driver';
import { SimBinding } from './binding';
import { CardReaderEmulator, type CardReaderFormat } from './card-emulator';
import { nextEvent, noEvent, TEST_TIMINGS } from './testing';

const open: CardReader[] = [];

async function rig(format?: CardReaderFormat, options: Record<string, unknown> = {}) {
  const binding = new SimBinding();
  const wire = binding.wire('card');
  const emulator = new CardReaderEmulator(wire, format);
  const driver = new MagstripeDriver(
    { path: 'card', baudRate: 9600, binding, parity: 'none' },
    MagstripeOptionsSchema.parse(options),
  );
  const reader = new CardReader('card', driver, { timings: TEST_TIMINGS });
  open.push(reader);
  await reader.open();
  await reader.claim();
  return { reader, emulator, wire };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((reader) => reader.close()));
});

describe('card reader over the simulated wire', () => {
  it('delivers one swipe, then disables itself until re-enabled', async () => {
    const { reader, emulator } = await rig();
    await reader.enable();
    const first = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'mastercard', name: 'DOE/JANE' });
    expect(await first).toMatchObject({
      brand: 'mastercard',
      last4: '4444',
      cardholderName: 'JANE DOE',
    });
    expect(reader.isEnabled).toBe(false);

    emulator.swipe({ card: 'visa' });
    expect(await noEvent(reader, 'data')).toBe(true);

    await reader.enable();
    const again = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'visa' });
    expect((await again).brand).toBe('visa');
  });

  it('queues a swipe while data events are paused and delivers it when they resume', async () => {
    const { reader, emulator } = await rig();
    await reader.enable();
    reader.setDataEventEnabled(false);
    emulator.swipe({ card: 'visa' });
    expect(await noEvent(reader, 'data')).toBe(true);
    expect(reader.queuedCount).toBe(1);
    const read = nextEvent<CardResult>(reader, 'data');
    reader.setDataEventEnabled(true);
    expect((await read).last4).toBe('1111');
    expect(reader.queuedCount).toBe(0);
  });

  it('ignores swipes before enable and refuses enable before claim', async () => {
    const reader = new CardReader(
      'late',
      new MagstripeDriver(
        { path: 'late', baudRate: 9600, binding: new SimBinding(), parity: 'none' },
        MagstripeOptionsSchema.parse({}),
      ),
    );
    await expect(reader.enable()).rejects.toMatchObject({ code: 'closed' });
    await reader.open();
    await expect(reader.enable()).rejects.toMatchObject({ code: 'not_claimed' });
    await reader.close();

    const { reader: claimed, emulator } = await rig();
    emulator.swipe({ card: 'visa' });
    expect(await noEvent(claimed, 'data')).toBe(true);
  });

  it('reports a bad read as an error event; retry re-enables input', async () => {
    const { reader, emulator } = await rig();
    await reader.enable();
    const failure = nextEvent<DeviceErrorEvent>(reader, 'deviceError');
    emulator.swipe({ card: 'visa', badTrack1: true, badTrack2: true });
    const event = await failure;
    expect(event.error).toBeInstanceOf(DeviceError);
    expect(event.error).toMatchObject({ extendedCode: 'bad_read', locus: 'input_data' });
    expect(reader.isEnabled).toBe(false);
    await event.respond('retry');
    expect(reader.isEnabled).toBe(true);
    const read = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'visa' });
    expect((await read).last4).toBe('1111');
  });

  it('refuses other brands, wrong check digits and expired cards with clear codes', async () => {
    const { reader, emulator } = await rig();
    const cases = [
      [{ card: 'amex' }, 'brand_refused'],
      [{ card: 'discover' }, 'brand_refused'],
      [{ card: 'badCheckDigit' }, 'luhn'],
      [{ card: 'visa', expiry: '2001' }, 'expired'],
    ] as const;
    for (const [swipe, code] of cases) {
      await reader.enable();
      const failure = nextEvent<DeviceErrorEvent>(reader, 'deviceError');
      emulator.swipe(swipe);
      expect((await failure).error.extendedCode).toBe(code);
    }
  });

  it('recovers from garbage bytes, 1-byte fragments and a slow link', async () => {
    const { reader, emulator, wire } = await rig();
    await reader.enable();
    const failure = nextEvent<DeviceErrorEvent>(reader, 'deviceError');
    wire.send(Buffer.from([0x41, 0x42, 0xff, 0x0d]));
    expect((await failure).error.extendedCode).toBe('format');

    await reader.enable();
    wire.profile = { fragmentSize: 1, latencyMs: 30, baudRate: 9600 };
    const read = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'mastercard2Series' });
    expect((await read).last4).toBe('3222');
  });

  it('frames by inter-byte gap when the reader sends no terminator', async () => {
    const { reader, emulator, wire } = await rig(
      { prefix: false, suffix: 'none', lrc: true },
      { framing: 'gap', gapMs: 40, lrc: true },
    );
    wire.profile = { fragmentSize: 8, baudRate: 9600 };
    await reader.enable();
    const read = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'visa13', name: 'ROE/RICHARD' });
    expect(await read).toMatchObject({ last4: '2222', cardholderName: 'RICHARD ROE' });
  });

  it('goes offline when unplugged and comes back by itself, still enabled', async () => {
    const { reader, emulator, wire } = await rig();
    await reader.enable();
    const offline = nextEvent(reader, 'power');
    wire.unplug();
    expect(await offline).toBe('offline');
    expect(reader.state).toBe('error');
    const online = nextEvent(reader, 'power');
    setTimeout(() => wire.replug(), 100);
    expect(await online).toBe('online');
    expect(reader.state).toBe('idle');
    const read = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'visa' });
    expect((await read).last4).toBe('1111');
  });

  it('reports partial swipes (card pulled out) as an error, then reads the next', async () => {
    const { reader, emulator, wire } = await rig();
    await reader.enable();
    const failure = nextEvent<DeviceErrorEvent>(reader, 'deviceError');
    emulator.partialSwipe({ card: 'visa' }, 30);
    wire.send(Buffer.from([0x0d]));
    expect((await failure).error).toBeInstanceOf(DeviceError);
    await reader.enable();
    const read = nextEvent<CardResult>(reader, 'data');
    emulator.swipe({ card: 'visaDebit' });
    expect((await read).last4).toBe('1881');
  });
});
