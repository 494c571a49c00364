import { test, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { HarnessOptions } from '../../electron/harness';

export interface DemoResident {
  state: string;
  docNumber: string;
  badgeToken: string;
  pin: string;
}

/** What harness-process.ts prints once it listens. */
export interface RunningHarness {
  url: string;
  residents: DemoResident[];
  maintenancePin: string;
}

/** Starts tests/e2e/harness-process.ts and waits for the URL it prints. */
async function spawnHarness(options: Partial<HarnessOptions>) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/e2e/harness-process.ts', JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<RunningHarness>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`harness exited early with code ${code}`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as RunningHarness));
  });
  return { child, info };
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
export function harnessForFile(options: Partial<HarnessOptions> = {}): () => RunningHarness {
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
  const resident = harness.residents[index];
  await page.goto(harness.url);
  await page.getByLabel('State').fill(resident.state);
  await page.getByLabel('DOC number').fill(resident.docNumber);
  await tapPin(page, resident.pin);
  await page.getByRole('button', { name: 'Log in' }).tap();
  await page.getByRole('navigation', { name: 'Main menu' }).waitFor();
}
