/**
 * `npm run harness -- [--port 5174] [--data-dir .data/harness] [--profile kiosk|lobby|tablet]
 * [--seed auto|demo|none] [--renderer dist/renderer] [--devices none|simulated]`: the backend and the built renderer on
 * 127.0.0.1 for a browser. A new database gets the demo data (docs/backend.md lists the logins).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DeviceInfoSchema } from '../contract';
import { DEFAULT_RENDERER_DIR, startHarness } from './server';

const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(5174),
  'data-dir': z.string().min(1).default('.data/harness'),
  profile: DeviceInfoSchema.shape.profile.default('kiosk'),
  seed: z.enum(['auto', 'demo', 'none']).default('auto'),
  renderer: z.string().min(1).default(DEFAULT_RENDERER_DIR),
  devices: z.enum(['none', 'simulated']).default('none'),
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
  port: args.port,
  dataDir: args['data-dir'],
  profile: args.profile,
  seed: args.seed,
  rendererDir: args.renderer,
  simulatedDevices: args.devices === 'simulated',
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
