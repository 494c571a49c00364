// Runs one browser harness for a spec file in its own Node process (through tsx, which loads the
// backend's JSON imports that Playwright's own loader refuses). Prints one JSON line once ready,
// then answers simulator commands, one JSON line each way: {"id", "op", "arg"} -> {"id", "value"}
// or {"id", "error"}. Exits when its parent closes stdin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { DEMO, startHarness, type HarnessOptions } from '../../electron/harness';
import type { KioskControls } from '../../hardware/simulators/kiosk';

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
const send = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
send({ url: harness.url, residents, maintenancePin: DEMO.maintenancePin });

type Op = 'swipe' | 'insertBill' | 'scanBadge' | 'printed';

function run(simulator: KioskControls, op: Op, arg: unknown): unknown {
  switch (op) {
    case 'swipe':
      return simulator.swipe(arg as Parameters<KioskControls['swipe']>[0]);
    case 'insertBill':
      return simulator.insertBill(arg as number);
    case 'scanBadge':
      return simulator.scanBadge(arg as string);
    case 'printed':
      return simulator.printed();
  }
}

async function stop() {
  await harness.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const { id, op, arg } = JSON.parse(line) as { id: number; op: Op; arg: unknown };
  try {
    if (!harness.simulator) throw new Error('started without simulatedDevices');
    send({ id, value: run(harness.simulator, op, arg) ?? null });
  } catch (error) {
    send({ id, error: (error as Error).message });
  }
});
commands.on('close', () => void stop());
process.on('SIGTERM', () => void stop());
