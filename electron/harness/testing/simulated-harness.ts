import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from '../../backend/testing/temp-dir';
import { startHarness, type Harness, type HarnessOptions } from '../server';

/**
 * A harness on simulated kiosk hardware with the demo data, in a temp folder, started before
 * the enclosing suite's tests and closed after them. Returns a getter (it starts in beforeAll)
 * carrying the data folder.
 */
export function useSimulatedHarness(
  profile: NonNullable<HarnessOptions['profile']>,
  options: Omit<HarnessOptions, 'profile'> = {},
): (() => Harness) & { dataDir: string } {
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness({
      dataDir,
      simulatedDevices: true,
      logger: pino({ level: 'silent' }),
      ...options,
      profile,
    });
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
    dir.cleanup();
  });
  const current = () => {
    if (!harness) throw new Error('the harness starts in beforeAll');
    return harness;
  };
  return Object.assign(current, { dataDir });
}
