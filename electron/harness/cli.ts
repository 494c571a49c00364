/**
 * `npm run harness -- [--port 5174] [--data-dir .data/harness] [--profile kiosk|lobby|tablet]
 * [--seed auto|demo|none] [--renderer dist/renderer] [--devices none|simulated]
 * [--bill-acceptor id003|cctalk] [--devices-file FILE]`: the backend and the built renderer on
 * 127.0.0.1 for a browser. A new database gets the demo data (docs/backend.md lists the logins).
 * `--devices-file` runs the hardware of a devices file (`{ devices: {...} }`, as the shell's
 * `devices` field, e.g. the DIR/devices.json `npm run sim` writes); a bad file exits 2 naming
 * each problem.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DeviceInfoSchema } from '../contract';
import { DeviceConfigError } from '../backend/devices';
import { BILL_ACCEPTOR_PROTOCOLS } from '../../hardware/simulators/kiosk';
import { DEFAULT_RENDERER_DIR, startHarness } from './server';

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

function readArgs() {
  try {
    const { values } = parseArgs({
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
    return ArgsSchema.parse(values);
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    console.error(`harness: ${message}`);
    process.exit(2);
  }
}

const args = readArgs();
const harness = await startHarness({
  billAcceptor: args['bill-acceptor'],
  devicesFile: args['devices-file'],
  port: args.port,
  dataDir: args['data-dir'],
  profile: args.profile,
  seed: args.seed,
  rendererDir: args.renderer,
  simulatedDevices: args.devices === 'simulated',
}).catch((error: unknown) => {
  if (!(error instanceof DeviceConfigError)) throw error;
  console.error(`harness: ${error.message}`);
  process.exit(2);
});
console.log(`Homeline harness (${args.profile}) at ${harness.url}`);
if (harness.simulatorPanel) {
  console.log(
    `Simulated devices: panel at ${harness.simulatorPanel} ` +
      `(or npm run sim -- ctl bill 2000 --panel ${harness.simulatorPanel})`,
  );
}
const stop = () => void harness.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
