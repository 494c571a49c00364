// Runs one browser harness for a spec file in its own Node process (through tsx, which loads the
// backend's JSON imports that Playwright's own loader refuses). Prints {"url": ...} once ready;
// exits when its parent closes stdin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DEMO, startHarness, type HarnessOptions } from '../../electron/harness';

const options = JSON.parse(process.argv[2] ?? '{}') as Partial<HarnessOptions>;
const dataDir = mkdtempSync(join(tmpdir(), 'homeline-e2e-'));
const harness = await startHarness({
  dataDir,
  seed: 'demo',
  logger: pino({ level: 'warn' }, pino.destination(2)),
  ...options,
});
// The demo accounts travel with the URL, so specs need not load the seed module themselves.
const residents = Array.from({ length: 12 }, (_, index) => ({
  state: DEMO.state,
  docNumber: DEMO.docNumber(index),
  badgeToken: DEMO.badgeToken(index),
  pin: DEMO.pin,
}));
process.stdout.write(
  `${JSON.stringify({ url: harness.url, residents, maintenancePin: DEMO.maintenancePin })}\n`,
);

async function stop() {
  await harness.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
