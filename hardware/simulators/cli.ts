/**
 * `npm run sim`: the four kiosk devices emulated on socat pseudo-terminals, with a web panel.
 * The app reads the device configuration from DIR/devices.json (serial ports on the ptys).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runProgram, UsageError } from '../../cli/main';
import {
  FAULT_NAMES,
  emulateKiosk,
  simulatedDeviceConfig,
  SIMULATED_DEVICES,
  type SimulatedDevice,
} from './kiosk';
import { TEST_CARD_NUMBERS } from './card-emulator';
import { startPanel } from './panel';
import { PtyWire, ensureSocat } from './pty';

const BAUD: Record<SimulatedDevice, number> = {
  card: 9600,
  printer: 38400,
  cash: 9600,
  badge: 9600,
};

const USAGE = `npm run sim -- [options] [ctl COMMAND]
  (no command)              start the simulated devices; prints one JSON line
                            {panel, ports, configFile}; the app reads DIR/devices.json
  ctl swipe [CARD]          swipe a test card (${Object.keys(TEST_CARD_NUMBERS).join(', ')})
  ctl bill CENTS            insert a bill; a refused one answers why (inhibited, busy,
                            not_started, jammed, cassette_full)
  ctl badge TOKEN           scan a badge
  ctl fault NAME [--off] [--device printer|cash|card|badge]
                            inject a fault (${FAULT_NAMES.join(', ')})
  ctl script FILE           run the steps of FILE in order, one ctl command per line
                            (blank lines and lines starting with # are skipped)
  ctl printed               the receipts printed so far
options: --dir DIR (default: the OS temp folder's homeline-sim), --port N (panel port,
         default any), --panel URL (ctl: talk to this panel), --help`;

async function start(dir: string, port: number): Promise<void> {
  const socat = ensureSocat();
  if (!socat) throw new Error('socat is not installed and `apt-get install -y socat` failed');
  mkdirSync(dir, { recursive: true });
  const opened = await Promise.all(
    SIMULATED_DEVICES.map((name) => PtyWire.open(socat, dir, name, BAUD[name])),
  );
  const wires = Object.fromEntries(SIMULATED_DEVICES.map((name, i) => [name, opened[i]])) as Record<
    SimulatedDevice,
    PtyWire
  >;
  const { controls } = emulateKiosk(wires, wires);
  const ports = Object.fromEntries(SIMULATED_DEVICES.map((name) => [name, wires[name].appPath]));

  // the app's configuration: the same devices, on the app ends of the ptys
  const simulated = simulatedDeviceConfig(randomBytes(32).toString('hex'));
  const devices = Object.fromEntries(
    SIMULATED_DEVICES.map((name) => [
      name,
      {
        ...simulated.devices[name],
        port: { kind: 'serial', path: ports[name], baudRate: BAUD[name] },
      },
    ]),
  );
  const configFile = join(dir, 'devices.json');
  writeFileSync(configFile, JSON.stringify({ devices }, null, 2));

  const { url, server } = await startPanel(controls, () => ({ ports }), port);
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ panel: url }));
  console.log(JSON.stringify({ panel: url, ports, configFile }));

  const stop = async () => {
    await server.close();
    await Promise.all(opened.map((wire) => wire.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function control(
  dir: string,
  panel: string | undefined,
  args: string[],
  off: boolean,
  device?: string,
) {
  const state = join(dir, 'state.json');
  if (!panel && !existsSync(state))
    throw new UsageError(
      `no simulators started in ${dir}: run npm run sim first, or pass --panel URL`,
    );
  const base = panel ?? (JSON.parse(readFileSync(state, 'utf8')) as { panel: string }).panel;
  const [command, value] = args;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new UsageError(`${response.status}: ${text}`);
    console.log(text);
  };
  switch (command) {
    case 'swipe':
      return post('swipe', { card: value ?? 'visa' });
    case 'bill':
      return post('bill', { cents: Number(value) });
    case 'badge':
      return post('badge', { badge: value ?? '' });
    case 'fault':
      return post('fault', { fault: value, on: !off, ...(device ? { device } : {}) });
    case 'script': {
      if (!value) throw new UsageError('script needs a file of steps');
      const steps = readFileSync(value, 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
      for (const [index, step] of steps.entries()) {
        const words = step.split(/\s+/);
        if (words[0] === 'script') throw new UsageError(`line ${index + 1}: scripts do not nest`);
        const { values: flags, positionals } = parseArgs({
          args: words,
          allowPositionals: true,
          options: { off: { type: 'boolean', default: false }, device: { type: 'string' } },
        });
        console.log(`# ${step}`);
        await control(dir, base, positionals, flags.off, flags.device);
      }
      return;
    }
    case 'printed': {
      const response = await fetch(`${base}/api/state`);
      const state = (await response.json()) as { printed: string[] };
      console.log(state.printed.join('\n\n-----8<-----\n\n'));
      return;
    }
    default:
      throw new UsageError(
        `unknown command "${command ?? ''}": use swipe, bill, badge, fault, script or printed`,
      );
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: join(tmpdir(), 'homeline-sim') },
      port: { type: 'string', default: '0' },
      panel: { type: 'string' },
      device: { type: 'string' },
      off: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`bad --port ${values.port}`);
  if (positionals[0] === 'ctl') {
    await control(values.dir, values.panel, positionals.slice(1), values.off, values.device);
  } else if (positionals.length === 0) {
    await start(values.dir, port);
  } else {
    throw new UsageError(`unknown arguments: ${positionals.join(' ')}`);
  }
}

runProgram({ name: 'sim', usage: USAGE }, main);
