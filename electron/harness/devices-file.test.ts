import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../backend/testing/temp-dir';
import { DeviceConfigError } from '../backend/devices';
import { startHarness, type Harness } from './server';
import { wsClient } from './testing/ws-client';

const socat = spawnSync('which', ['socat']).status === 0;
if (!socat) console.warn('harness devices-file run skipped: socat is absent');

const silent = pino({ level: 'silent' });

describe('harness --devices-file: the shell’s devices schema and validation', () => {
  const dir = tempDir('homeline-harness-devices-');
  afterAll(() => dir.cleanup());

  /** Writes `content` as a devices file and starts a harness on it. */
  function start(name: string, content: string | null, extra: object = {}) {
    const file = join(dir.path, `${name}.json`);
    if (content !== null) writeFileSync(file, content);
    return startHarness({
      dataDir: join(dir.path, `data-${name}`),
      logger: silent,
      devicesFile: file,
      ...extra,
    });
  }

  it('refuses a bad file with a DeviceConfigError naming the problem', async () => {
    const serial = { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 };
    const cases: [string, string | null, RegExp][] = [
      ['missing', null, /cannot be read \(ENOENT\)/],
      ['not-json', '{ "devices": ', /is not valid JSON/],
      ['array', '[]', /invalid device configuration/],
      ['bad-name', JSON.stringify({ devices: { 'Cash!': {} } }), /devices\.Cash!/],
      [
        'unknown-driver',
        JSON.stringify({
          devices: { cash: { class: 'BillAcceptor', driver: 'mdb', port: serial } },
        }),
        /unknown driver "mdb"/,
      ],
      [
        'class-mismatch',
        JSON.stringify({
          devices: { cash: { class: 'CardReader', driver: 'cctalk', port: serial } },
        }),
        /drives a BillAcceptor, not a CardReader/,
      ],
      [
        'bad-options',
        JSON.stringify({
          devices: {
            cash: {
              class: 'BillAcceptor',
              driver: 'cctalk',
              port: serial,
              options: { address: 1 },
            },
          },
        }),
        /devices\.cash\.options\.address/,
      ],
      [
        'simulated-port',
        JSON.stringify({
          devices: {
            cash: { class: 'BillAcceptor', driver: 'id003', port: { kind: 'simulated' } },
          },
        }),
        /no simulator binding/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const started = start(name, content);
      await expect(started, name).rejects.toThrow(DeviceConfigError);
      await expect(started, name).rejects.toThrow(message);
    }
    await expect(start('both', '{"devices":{}}', { simulatedDevices: true })).rejects.toThrow(
      /exclude each other/,
    );
  });

  it('exits 2 from the command line, naming the problem', async () => {
    const file = join(dir.path, 'cli-bad.json');
    writeFileSync(file, '{"devices":{"cash":{"class":"Toaster"}}}');
    const harness = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/harness/cli.ts',
        '--port',
        '0',
        '--data-dir',
        join(dir.path, 'data-cli'),
        '--devices-file',
        file,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    harness.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(harness, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toMatch(/harness: invalid device configuration: devices\.cash\.class/);
  });
});

describe.skipIf(!socat)('harness on the devices file of `npm run sim` (ccTalk acceptor)', () => {
  const dir = tempDir('homeline-harness-sim-');
  let sim: ChildProcess;
  let panel: string;
  let harness: Harness;

  beforeAll(async () => {
    sim = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'hardware/simulators/cli.ts',
        '--dir',
        join(dir.path, 'sim'),
        '--bill-acceptor',
        'cctalk',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [line] = (await once(createInterface({ input: sim.stdout! }), 'line')) as [string];
    const started = JSON.parse(line) as { panel: string; configFile: string };
    panel = started.panel;
    harness = await startHarness({
      dataDir: join(dir.path, 'data'),
      logger: silent,
      profile: 'lobby',
      devicesFile: started.configFile,
    });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    sim?.kill('SIGTERM');
    if (sim) await once(sim, 'exit');
    dir.cleanup();
  });

  it('takes a bill into a cash session through the ptys the file names', async () => {
    const c = await wsClient(harness.url);
    const started = await c.invoke('payment.cashStart', {});
    expect(started?.ok).toBe(true);
    const { cashSessionId } = (started as { value: { cashSessionId: string } }).value;
    const billEvent = (kind: string) =>
      c.next(
        (f) =>
          f.type === 'event' &&
          f.event === 'hardware.bill' &&
          (f.payload as { event: string }).event === kind,
      );
    const escrow = billEvent('escrow');
    // the cash session enabled the acceptor on its pty: the bill is taken into escrow
    const response = await fetch(`${panel}/api/bill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cents: 2000 }),
    });
    expect(await response.json()).toEqual({
      ok: true,
      result: { taken: true, outcome: 'escrow' },
    });
    const escrowed = await escrow;
    expect(escrowed.type === 'event' ? escrowed.payload : null).toMatchObject({
      denominationCents: 2000,
    });
    const stacked = billEvent('stacked');
    expect((await c.invoke('payment.cashEscrow', { cashSessionId, action: 'accept' }))?.ok).toBe(
      true,
    );
    const credited = await stacked;
    expect(credited.type === 'event' ? credited.payload : null).toMatchObject({
      denominationCents: 2000,
      session: { insertedCents: 2000 },
    });
    c.socket.close();
  });
});
