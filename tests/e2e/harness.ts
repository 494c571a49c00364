import { test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { HarnessOptions } from '../../electron/harness';
import type { TestSwipe } from '../../hardware/simulators/card-emulator';
import type { FaultRequest } from '../../hardware/simulators/kiosk';
import { demoResident } from './demo-resident';

export interface DemoResident {
  state: string;
  docNumber: string;
  badgeToken: string;
  pin: string;
}

/** What harness-process.ts prints once it listens. */
interface ReadyLine {
  url: string;
  residents: DemoResident[];
  maintenancePin: string;
}

/** The simulated kiosk hardware (harness started with `simulatedDevices: true`). */
interface Simulator {
  swipe(swipe: TestSwipe): Promise<void>;
  insertBill(cents: number): Promise<boolean>;
  scanBadge(badgeToken: string): Promise<void>;
  /** The text of every receipt printed so far. */
  printed(): Promise<string[]>;
  /** A device fault, e.g. the bill acceptor's power cut (`{ fault: 'power_cycle', device: 'cash' }`). */
  inject(fault: FaultRequest): Promise<void>;
}

/** The central service behind the kiosk (harness started with `central: true`). */
interface Central {
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Spends the first resident's stamps on the central side. */
  drainStamps(): Promise<void>;
}

export interface RunningHarness extends ReadyLine {
  simulator: Simulator;
  central: Central;
}

export type HarnessFileOptions = Partial<HarnessOptions> & { central?: boolean };

/** Starts tests/e2e/harness-process.ts, waits for its ready line, and wires its commands. */
async function spawnHarness(options: HarnessFileOptions) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/e2e/harness-process.ts', JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const answers = new Map<number, (answer: { value?: unknown; error?: string }) => void>();
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`harness exited early with code ${code}`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as ReadyLine));
  });
  lines.on('line', (line) => {
    const answer = JSON.parse(line) as { id: number; value?: unknown; error?: string };
    answers.get(answer.id)?.(answer);
    answers.delete(answer.id);
  });
  let nextId = 1;
  const command = <T>(op: string, arg?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      answers.set(id, ({ value, error }) =>
        error ? reject(new Error(error)) : resolve(value as T),
      );
      child.stdin.write(`${JSON.stringify({ id, op, arg })}\n`);
    });
  const simulator: Simulator = {
    swipe: (swipe) => command('swipe', swipe),
    insertBill: (cents) => command('insertBill', cents),
    scanBadge: (badgeToken) => command('scanBadge', badgeToken),
    printed: () => command('printed'),
    inject: (fault) => command('inject', fault),
  };
  const central: Central = {
    stop: () => command('centralStop'),
    start: () => command('centralStart'),
    drainStamps: () => command('centralDrainStamps'),
  };
  return { child, info: { ...ready, simulator, central } };
}

function stop(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}

/**
 * A fresh harness for one spec file: the real backend with a temporary database and the demo
 * seed, serving the built renderer and the contract over a real WebSocket.
 */
export function harnessForFile(options: HarnessFileOptions = {}): () => RunningHarness {
  let running: { child: ChildProcess; info: RunningHarness } | null = null;
  test.beforeAll(async () => {
    running = await spawnHarness(options);
  });
  test.afterAll(async () => {
    if (running) await stop(running.child);
  });
  return () => {
    if (!running) throw new Error('the harness has not started');
    return running.info;
  };
}

/** Types a PIN on the on-screen keypad, as a finger would. */
export async function tapPin(page: Page, pin: string) {
  const pad = page.getByRole('group', { name: /PIN keypad|Teclado del PIN/ });
  for (const digit of pin) {
    await pad.getByRole('button', { name: new RegExp(`^(Digit|Dígito) ${digit}$`) }).tap();
  }
}

/** Logs a demo resident in with state, DOC number and PIN (English labels). */
export async function logIn(page: Page, harness: RunningHarness, index: number) {
  const resident = demoResident(harness, index);
  await page.goto(harness.url);
  await page.getByLabel('State').fill(resident.state);
  await page.getByLabel('DOC number').fill(resident.docNumber);
  // The keyboard of the DOC field covers part of the PIN pad on a short screen: close it.
  await page.getByRole('button', { name: 'Done' }).tap();
  await tapPin(page, resident.pin);
  await page.getByRole('button', { name: 'Log in' }).tap();
  await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
}
