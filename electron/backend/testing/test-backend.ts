import { withActionKey } from './action-key';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { DeviceProfile } from '../../../domain/types';
import { createBackend, type BackendConfig } from '../backend';
import { DEMO_FACILITY_ID, seedDemo } from '../seed/demo';
import { openStore } from '../store';
import { manualClock } from './manual-clock';
import { TEST_STORE_KEY } from './store-key';
import { tempDir } from './temp-dir';

const START = Date.parse('2026-12-01T12:00:00.000Z');
const templates = new Map<string, Promise<string>>();

/** Seeding hashes PINs with scrypt (slow by design): seed once per profile, copy per test. */
function seededTemplate(profile: DeviceProfile, residents: number): Promise<string> {
  const key = `${profile}-${residents}`;
  let template = templates.get(key);
  if (!template) {
    template = (async () => {
      const dir = tempDir();
      process.once('exit', dir.cleanup);
      const path = join(dir.path, 'template.db');
      const now = new Date(START).toISOString();
      const store = openStore(path, TEST_STORE_KEY);
      store.identity.saveDevice({
        deviceId: 'test-device',
        profile,
        facilityId: DEMO_FACILITY_ID,
        serial: null,
        maintenancePinHash: null,
        createdAt: now,
      });
      await seedDemo(store, { now, residents });
      store.close();
      return path;
    })();
    templates.set(key, template);
  }
  return template;
}

/**
 * A real backend on a real SQLite file in a temp folder, seeded with the demo data, driven by a
 * manual clock. Each connection records the events it receives.
 */
export async function startTestBackend(
  options: { profile?: DeviceProfile; residents?: number } & Partial<BackendConfig> = {},
) {
  const dir = tempDir();
  const dbPath = join(dir.path, 'device.db');
  const clock = manualClock(START);
  const { profile = 'kiosk', residents = 3, ...rest } = options;
  copyFileSync(await seededTemplate(profile, residents), dbPath);
  const backend = await createBackend({
    dbPath,
    profile,
    facilityId: DEMO_FACILITY_ID,
    logger: pino({ level: 'silent' }),
    clock,
    storeKey: TEST_STORE_KEY,
    ...rest,
  });
  function connect() {
    const events: { event: string; payload: unknown }[] = [];
    const connection = backend.connect((event, payload) => events.push({ event, payload }));
    const invoke: typeof connection.invoke = (method, input) =>
      connection.invoke(method, withActionKey(method, input));
    return { ...connection, invoke, events };
  }
  return {
    backend,
    clock,
    connect,
    async close() {
      await backend.close();
      dir.cleanup();
    },
  };
}

export type TestBackend = Awaited<ReturnType<typeof startTestBackend>>;
