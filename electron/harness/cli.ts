import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { checkedOptions, runProgram } from '../../cli/main';
import { DeviceInfoSchema } from '../contract';
import { DeviceConfigError } from '../backend/devices';
import { BILL_ACCEPTOR_PROTOCOLS } from '../../hardware/simulators/kiosk';
import { DEMO, demoResidentLogins } from './index';
import { DEFAULT_RENDERER_DIR, startHarness } from './server';

const USAGE = `npm run harness -- [options]

The device backend and the built renderer on 127.0.0.1, for a browser. A new database gets
the demo data (the same residents and PINs every time; docs/backend.md lists them).

options:
  --port N            the page and its WebSocket (default 5174; 0: any free port)
  --data-dir DIR      the local database (default .data/harness)
  --profile P         kiosk (default), lobby or tablet
  --seed S            auto (demo data on a new database, default), demo (again), none
  --renderer DIR      the built renderer (default dist/renderer: npm run build:renderer)
  --devices D         none (default) or simulated (card reader, printer, bill acceptor,
                      badge scanner in-process, with a control panel)
  --bill-acceptor P   the simulated bill acceptor's protocol: id003 (default) or cctalk
  --devices-file FILE the hardware of a devices file ({ devices: {...} }, as the shell's
                      devices field, e.g. the DIR/devices.json npm run sim writes); a bad
                      file exits 2 naming each problem
  --help              this text`;

const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(5174),
  'data-dir': z.string().min(1).default('.data/harness'),
  profile: DeviceInfoSchema.shape.profile.default('kiosk'),
  seed: z.enum(['auto', 'demo', 'none']).default('auto'),
  renderer: z.string().min(1).default(DEFAULT_RENDERER_DIR),
  devices: z.enum(['none', 'simulated']).default('none'),
  'bill-acceptor': z.enum(BILL_ACCEPTOR_PROTOCOLS).optional(),
  'devices-file': z.string().min(1).optional(),
});

function readArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      profile: { type: 'string' },
      seed: { type: 'string' },
      renderer: { type: 'string' },
      devices: { type: 'string' },
      'bill-acceptor': { type: 'string' },
      'devices-file': { type: 'string' },
    },
    strict: true,
  });
  return checkedOptions(ArgsSchema, values);
}

function loginLines(seed: 'auto' | 'demo' | 'none'): string {
  if (seed === 'none') return 'No demo data (--seed none): residents come from a central service.';
  const residents = demoResidentLogins();
  return [
    `Resident logins (state ${DEMO.state}, PIN ${DEMO.pin}; or scan the badge, then the PIN):`,
    ...residents.map((r) => `  ${r.docNumber}  ${r.name.padEnd(20)} badge ${r.badgeToken}`),
    `Service screen PIN: ${DEMO.maintenancePin}`,
  ].join('\n');
}

runProgram(
  {
    name: 'harness',
    usage: USAGE,
    isUsageError: (error) => error instanceof DeviceConfigError,
  },
  async (argv) => {
    const args = readArgs(argv);
    const harness = await startHarness({
      billAcceptor: args['bill-acceptor'],
      devicesFile: args['devices-file'],
      port: args.port,
      dataDir: args['data-dir'],
      profile: args.profile,
      seed: args.seed,
      rendererDir: args.renderer,
      simulatedDevices: args.devices === 'simulated',
    });
    console.log(`Homeline harness (${args.profile}) at ${harness.url}`);
    // Warned only once started, so a start that fails says its one reason alone.
    if (!existsSync(join(args.renderer, 'index.html')))
      console.warn(
        `harness: no ${join(args.renderer, 'index.html')}: the page is missing until ` +
          '`npm run build:renderer` (the WebSocket works meanwhile)',
      );
    console.log(loginLines(args.seed));
    if (harness.simulatorPanel) {
      console.log(
        `Simulated devices: panel at ${harness.simulatorPanel} ` +
          `(or npm run sim -- ctl bill 2000 --panel ${harness.simulatorPanel})`,
      );
    }
    const stop = () => void harness.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
);
