// Runs one browser harness for a spec file (optionally syncing with a central service, see
// central.ts) in its own Node process (through tsx, which loads the
// backend's JSON imports that Playwright's own loader refuses). Prints one JSON line once ready,
// then answers simulator commands, one JSON line each way: {"id", "op", "arg"} -> {"id", "value"}
// or {"id", "error"}. Exits when its parent closes stdin.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { DEMO, startHarness, type HarnessOptions } from '../../electron/harness';
import { harnessKeyFile } from '../../electron/harness/server';
import type { KioskControls } from '../../hardware/simulators/kiosk';

/** The harness's own options, plus `central`: sync with a real central service instead. */
const { central: withCentral, ...options } = JSON.parse(process.argv[2] ?? '{}') as Partial<
  HarnessOptions & { central: boolean }
>;
const dataDir = mkdtempSync(join(tmpdir(), 'homeline-e2e-'));
const logger = pino({ level: 'error' }, pino.destination(2));
// Loaded only when asked for: the other specs need nothing of the central service.
const central = withCentral
  ? await (await import('./central')).startCentral(dataDir, logger)
  : null;
const harness = await startHarness({
  dataDir,
  logger,
  ...(central
    ? {
        seed: 'none',
        facilityId: central.facilityId,
        appVersion: central.appVersion,
        syncClient: central.syncClient,
      }
    : { seed: 'demo' }),
  ...options,
});

// The accounts travel with the URL, so specs need not load the seed modules themselves.
const residents =
  central?.residents ??
  Array.from({ length: 12 }, (_, index) => ({
    state: DEMO.state,
    docNumber: DEMO.docNumber(index),
    badgeToken: DEMO.badgeToken(index),
    pin: DEMO.pin,
  }));
const send = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
send({ url: harness.url, residents, maintenancePin: DEMO.maintenancePin });

const CENTRAL_OPS = {
  centralStop: 'stop',
  centralStart: 'start',
  centralDrainStamps: 'drainStamps',
} as const;
type CentralOp = keyof typeof CENTRAL_OPS;
type Op = 'swipe' | 'insertBill' | 'scanBadge' | 'printed' | 'inject' | CentralOp;

function isCentralOp(op: Op): op is CentralOp {
  return op in CENTRAL_OPS;
}

/**
 * A person holds the next bill until the slot takes it: while the last bill is still on its way
 * to the cassette (`busy`) or the acceptor is still starting, they wait; a closed slot for any
 * other reason (inhibited, jammed, full) refuses the bill at once, as the emulator says.
 */
async function feedWhenReady(simulator: KioskControls, cents: number): Promise<boolean> {
  const transient = new Set(['busy', 'not_started']);
  while (transient.has(simulator.billSlotClosedBecause() ?? '')) {
    await new Promise((wake) => setTimeout(wake, 20));
  }
  return simulator.insertBill(cents);
}

function run(simulator: KioskControls | null, op: Op, arg: unknown): unknown {
  if (isCentralOp(op)) {
    if (!central) throw new Error('started without central');
    return central[CENTRAL_OPS[op]]();
  }
  if (!simulator) throw new Error('started without simulatedDevices');
  switch (op) {
    case 'swipe':
      return simulator.swipe(arg as Parameters<KioskControls['swipe']>[0]);
    case 'insertBill':
      return feedWhenReady(simulator, arg as number);
    case 'scanBadge':
      return simulator.scanBadge(arg as string);
    case 'printed':
      return simulator.printed();
    case 'inject':
      return simulator.inject(arg as Parameters<KioskControls['inject']>[0]);
  }
}

async function stop() {
  await harness.close();
  await central?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(harnessKeyFile({ dataDir }), { force: true });
  process.exit(0);
}

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const { id, op, arg } = JSON.parse(line) as { id: number; op: Op; arg: unknown };
  Promise.resolve()
    .then(() => run(harness.simulator, op, arg))
    .then(
      (value) => send({ id, value: value ?? null }),
      (error: Error) => send({ id, error: error.message }),
    );
});
commands.on('close', () => void stop());
process.on('SIGTERM', () => void stop());
