import Database from 'better-sqlite3';
import { join } from 'node:path';
import pino from 'pino';
import sample from '../../assets/facility.sample.json';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendConfigError, createBackend } from './backend';
import { DatabaseFromFutureError } from './store';
import { TEST_STORE_KEY } from './testing/store-key';
import { tempDir } from './testing/temp-dir';

const logger = pino({ level: 'silent' });
const storeKey = TEST_STORE_KEY;
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.cleanup());

describe('createBackend', () => {
  it('refuses a bad configuration with a typed error naming the field', async () => {
    await expect(
      createBackend({ profile: 'kiosk', facilityId: 'f', logger, storeKey } as never),
    ).rejects.toThrow(BackendConfigError);
    await expect(
      createBackend({
        dataDir: dir.path,
        profile: 'atm',
        facilityId: 'f',
        logger,
        storeKey,
      } as never),
    ).rejects.toThrow(/profile/);
    await expect(
      createBackend({
        dataDir: dir.path,
        profile: 'kiosk',
        facilityId: 'f',
        idleMinutes: 0,
        logger,
        storeKey,
      }),
    ).rejects.toThrow(/idleMinutes/);
  });

  it('refuses a database from a newer app and leaves it as it was', async () => {
    const dbPath = join(dir.path, 'device.db');
    const future = new Database(dbPath);
    future.pragma('user_version = 999');
    future.close();
    await expect(
      createBackend({ dbPath, profile: 'kiosk', facilityId: 'f', logger, storeKey }),
    ).rejects.toThrow(DatabaseFromFutureError);
    const again = new Database(dbPath);
    expect(again.pragma('user_version', { simple: true })).toBe(999);
    again.close();
  });

  it('creates the device identity once and keeps it across restarts', async () => {
    const first = await createBackend({
      dataDir: dir.path,
      profile: 'tablet',
      facilityId: 'f',
      logger,
      storeKey,
    });
    const identity = first.store.identity.device();
    await first.close();
    expect(() => first.connect(() => undefined)).toThrow(/closed/);
    const second = await createBackend({
      dataDir: dir.path,
      profile: 'tablet',
      facilityId: 'f',
      logger,
      storeKey,
    });
    expect(second.store.identity.device()).toEqual(identity);
    const info = await second.connect(() => undefined).invoke('device.info', {});
    expect(info).toMatchObject({
      ok: true,
      value: { deviceId: identity?.deviceId, profile: 'tablet', enrolled: false, services: [] },
    });
    await second.close();
  });

  it('tells the screens the facility language from its configuration (English when unset)', async () => {
    const backend = await createBackend({
      dataDir: dir.path,
      profile: 'kiosk',
      facilityId: sample.id,
      logger,
      storeKey,
    });
    const window = backend.connect(() => undefined);
    const save = (config: unknown, version: number) =>
      backend.store.identity.saveFacility({
        facilityId: sample.id,
        version,
        config,
        updatedAt: `2026-12-0${version}T00:00:00.000Z`,
      });
    save(sample, 1);
    expect(await window.invoke('device.info', {})).toMatchObject({
      value: { defaultLocale: 'en' },
    });
    save({ ...sample, defaultLocale: 'es' }, 2);
    expect(await window.invoke('device.info', {})).toMatchObject({
      value: { defaultLocale: 'es' },
    });
    await backend.close();
  });
});
