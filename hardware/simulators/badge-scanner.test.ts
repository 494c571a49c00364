import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BadgeScanner, type BadgeScan, type DeviceErrorEvent } from '../hal';
import { BadgeDriver, BadgeOptionsSchema } from '../drivers/badge/badge-driver';
import { SimBinding } from './binding';
import { BadgeScannerEmulator } from './badge-emulator';
import { nextEvent, TEST_TIMINGS } from './testing';

const open: BadgeScanner[] = [];

async function rig() {
  const binding = new SimBinding();
  const wire = binding.wire('badge');
  const emulator = new BadgeScannerEmulator(wire);
  const driver = new BadgeDriver(
    { path: 'badge', baudRate: 9600, binding, parity: 'none' },
    BadgeOptionsSchema.parse({}),
  );
  const scanner = new BadgeScanner('badge', driver, { timings: TEST_TIMINGS });
  open.push(scanner);
  await scanner.open();
  await scanner.claim();
  await scanner.enable();
  return { scanner, emulator, wire };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((scanner) => scanner.close()));
});

describe('badge scanner after bad input', () => {
  const badLines: [string, (wire: { send(bytes: Uint8Array): void }) => void, string][] = [
    ['a code that is not a badge', (wire) => wire.send(Buffer.from('hello world\r')), 'bad_format'],
    ['a line far too long', (wire) => wire.send(Buffer.from(`${'A'.repeat(300)}\r`)), 'too_long'],
    [
      'line garbage with control bytes',
      (wire) =>
        wire.send(Buffer.concat([Buffer.of(0x00, 0x1b, 0xff), randomBytes(8), Buffer.of(0x0d)])),
      'control_bytes',
    ],
  ];

  for (const [what, send, code] of badLines) {
    it(`reports ${what} and keeps scanning without any answer from the app`, async () => {
      const { scanner, emulator, wire } = await rig();
      const failure = nextEvent<DeviceErrorEvent>(scanner, 'deviceError');
      send(wire);
      expect((await failure).error).toMatchObject({ extendedCode: code, locus: 'input_data' });
      expect(scanner.isEnabled).toBe(true);
      const scan = nextEvent<BadgeScan>(scanner, 'data');
      emulator.scan('S123456');
      expect((await scan).token).toBe('S123456');
    });
  }

  it('stays usable through a run of bad lines in one burst', async () => {
    const { scanner, emulator, wire } = await rig();
    const errors: string[] = [];
    scanner.on('deviceError', ({ error }) => errors.push(error.extendedCode ?? error.code));
    const scan = nextEvent<BadgeScan>(scanner, 'data');
    wire.send(Buffer.from('x\rhello world\r\x01\x02\r'));
    emulator.scan('W-000123', { aim: ']C0' });
    expect(await scan).toEqual({ token: 'W-000123', symbology: 'code128' });
    expect(errors).toEqual(['bad_format', 'bad_format', 'control_bytes']);
  });
});
