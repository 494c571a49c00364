/**
 * `npm run sim`: the four kiosk devices emulated on socat pseudo-terminals, with a web panel.
 * The app reads the device configuration from DIR/devices.json (serial ports on the ptys).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runProgram, UsageError } from '../../cli/main';
import {
  BILL_ACCEPTOR_PROTOCOLS,
  FAULT_NAMES,
  emulateKiosk,
  type BillAcceptorProtocol,
  simulatedDeviceConfig,
  SIMULATED_DEVICES,
  type SimulatedDevice,
} from './kiosk';
import { TEST_CARD_NUMBERS } from './card-emulator';
import { runScript, runShell, runStep, STEP_HELP, StepError } from './ctl';
import { startPanel } from './panel';
import { PtyWire, ensureSocat } from './pty';

const BAUD: Record<SimulatedDevice, number> = {
  card: 9600,
  printer: 38400,
  cash: 9600,
  badge: 9600,
};

const USAGE = `npm run sim -- [options] [ctl STEP | ctl script FILE | ctl shell]
  (no command)              start the simulated devices; prints one JSON line
                            {panel, ports, configFile}; the app reads DIR/devices.json
  ctl STEP                  run one step against the panel (a new process: a few seconds)
  ctl script FILE           run the steps of FILE in order, one per line (blank lines and
                            lines starting with # are skipped); stops at the first refused step
  ctl shell                 a long-lived prompt: one step per line, each answered at once
                            (milliseconds); exit or end of input leaves
steps:
${STEP_HELP}
  cards: ${Object.keys(TEST_CARD_NUMBERS).join(', ')}
  faults: ${FAULT_NAMES.join(', ')}
options: --dir DIR (default: the OS temp folder's homeline-sim), --port N (panel port,
         default any), --panel URL (ctl: the panel of npm run sim, demo or harness),
         --bill-acceptor ${BILL_ACCEPTOR_PROTOCOLS.join('|')} (start: the acceptor's protocol,
         default id003), --help
direct HTTP works too: curl -s -XPOST PANEL/api/bill -H 'content-type: application/json' -d '{"cents":2000}'`;

async function start(dir: string, port: number, billAcceptor: BillAcceptorProtocol): Promise<void> {
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
  const { controls } = emulateKiosk(wires, wires, billAcceptor);
  const ports = Object.fromEntries(SIMULATED_DEVICES.map((name) => [name, wires[name].appPath]));

  // the app's configuration: the same devices, on the app ends of the ptys
  const simulated = simulatedDeviceConfig({ billAcceptor });
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

async function control(dir: string, panel: string | undefined, args: string[]) {
  const state = join(dir, 'state.json');
  if (!panel && !existsSync(state))
    throw new UsageError(
      `no simulators started in ${dir}: run npm run sim first, or pass --panel URL`,
    );
  const base = panel ?? (JSON.parse(readFileSync(state, 'utf8')) as { panel: string }).panel;
  const print = (line: string) => console.log(line);
  const [command, file] = args;
  if (command === 'shell') {
    await runShell(base, process.stdin, print);
    process.stdin.destroy(); // `exit` leaves even while the input stays open
    return;
  }
  if (command === 'script') {
    if (!file || args.length > 2) throw new UsageError('script needs one file of steps');
    return runScript(base, file, print);
  }
  return runStep(base, args, print);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: join(tmpdir(), 'homeline-sim') },
      port: { type: 'string', default: '0' },
      panel: { type: 'string' },
      'bill-acceptor': { type: 'string', default: 'id003' },
      // a step's own options, given anywhere on the line
      off: { type: 'boolean', default: false },
      device: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`bad --port ${values.port}`);
  const billAcceptor = BILL_ACCEPTOR_PROTOCOLS.find((name) => name === values['bill-acceptor']);
  if (!billAcceptor) throw new UsageError(`bad --bill-acceptor ${values['bill-acceptor']}`);
  if (positionals[0] === 'ctl') {
    const step = [
      ...positionals.slice(1),
      ...(values.off ? ['--off'] : []),
      ...(values.device ? ['--device', values.device] : []),
    ];
    await control(values.dir, values.panel, step);
  } else if (positionals.length === 0) {
    await start(values.dir, port, billAcceptor);
  } else {
    throw new UsageError(`unknown arguments: ${positionals.join(' ')}`);
  }
}

runProgram(
  { name: 'sim', usage: USAGE, isUsageError: (error) => error instanceof StepError },
  main,
);
