import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadShellConfig } from './load';

const valid = {
  profile: 'kiosk',
  facilityId: 'fl-central',
  centralUrl: 'https://central.example.org',
  devices: {
    card: {
      class: 'CardReader',
      driver: 'magstripe',
      port: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 },
    },
  },
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'homeline-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(content: unknown): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function problemsOf(run: () => unknown): ConfigError['problems'] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadShellConfig', () => {
  it('reads the file named by HOMELINE_CONFIG and fills defaults', () => {
    const file = writeConfig(valid);
    const { config, file: read } = loadShellConfig({
      env: { HOMELINE_CONFIG: file },
      platform: 'linux',
    });
    expect(read).toBe(file);
    expect(config).toMatchObject({
      profile: 'kiosk',
      facilityId: 'fl-central',
      centralUrl: 'https://central.example.org/',
      devices: valid.devices,
      updates: { channel: 'stable', enabled: true, checkIntervalMinutes: 60 },
      dataDir: '/var/lib/homeline',
      logLevel: 'info',
      development: false,
    });
  });

  it('lets HOMELINE_* variables override the file, converting numbers and booleans', () => {
    const file = writeConfig(valid);
    const { config } = loadShellConfig({
      env: {
        HOMELINE_CONFIG: file,
        HOMELINE_PROFILE: 'lobby',
        HOMELINE_UPDATE_CHANNEL: 'pilot',
        HOMELINE_UPDATES_ENABLED: 'false',
        HOMELINE_UPDATE_INTERVAL_MINUTES: '15',
        HOMELINE_DATA_DIR: '/srv/homeline',
        HOMELINE_ENROLLMENT_CODE: 'ABCD-1234',
        HOMELINE_DEVICE_LABEL: 'Unit B kiosk 2',
      },
      platform: 'linux',
    });
    expect(config.profile).toBe('lobby');
    expect(config.updates).toMatchObject({
      channel: 'pilot',
      enabled: false,
      checkIntervalMinutes: 15,
    });
    expect(config.dataDir).toBe('/srv/homeline');
    expect(config.enrollment).toEqual({ code: 'ABCD-1234', label: 'Unit B kiosk 2' });
  });

  it('works from the environment alone when the default file is absent', () => {
    const { config, file } = loadShellConfig({
      env: {
        HOMELINE_PROFILE: 'tablet',
        HOMELINE_FACILITY_ID: 'tx-1',
        HOMELINE_CENTRAL_URL: 'http://10.0.0.5:8080',
        HOMELINE_SERIAL: 'TAB-0001',
      },
      platform: 'linux',
      readFile: (path) => {
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      },
    });
    expect(file).toBeNull();
    expect(config.profile).toBe('tablet');
    expect(config.serial).toBe('TAB-0001');
  });

  it('refuses a tablet without its serial, naming the field', () => {
    const problems = problemsOf(() =>
      loadShellConfig({
        env: { HOMELINE_CONFIG: writeConfig({ ...valid, profile: 'tablet', devices: {} }) },
        platform: 'linux',
      }),
    );
    expect(JSON.stringify(problems)).toMatch(/serial/);
  });

  it('uses ProgramData paths on Windows', () => {
    const seen: string[] = [];
    const { config } = loadShellConfig({
      env: { ProgramData: 'D:\\PD' },
      platform: 'win32',
      readFile: (path) => {
        seen.push(path);
        return JSON.stringify(valid);
      },
    });
    expect(seen).toEqual(['D:\\PD\\Homeline\\config.json']);
    expect(config.dataDir).toBe('D:\\PD\\Homeline\\data');
  });

  it('names every bad field and the file it came from', () => {
    const file = writeConfig({
      ...valid,
      profile: 'desk',
      centralUrl: 'ftp://central',
      updates: { channel: 'Stable!' },
      color: 'blue',
    });
    const problems = problemsOf(() =>
      loadShellConfig({ env: { HOMELINE_CONFIG: file }, platform: 'linux' }),
    );
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(['profile', 'centralUrl', 'updates.channel', '(root)']),
    );
    expect(problems.every((p) => p.source === file)).toBe(true);
    expect(problems.find((p) => p.field === '(root)')?.message).toContain('color');
  });

  it('names the environment variable when an override is bad', () => {
    const file = writeConfig(valid);
    const problems = problemsOf(() =>
      loadShellConfig({
        env: {
          HOMELINE_CONFIG: file,
          HOMELINE_UPDATE_INTERVAL_MINUTES: 'hourly',
          HOMELINE_DEVELOPMENT: 'maybe',
        },
        platform: 'linux',
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'updates.checkIntervalMinutes',
        source: 'HOMELINE_UPDATE_INTERVAL_MINUTES',
      }),
      expect.objectContaining({ field: 'development', source: 'HOMELINE_DEVELOPMENT' }),
    ]);
  });

  it('refuses a missing explicit file, bad JSON and a non-object', () => {
    expect(
      problemsOf(() =>
        loadShellConfig({ env: { HOMELINE_CONFIG: join(dir, 'nope.json') }, platform: 'linux' }),
      )[0]?.message,
    ).toContain('cannot be read');
    const broken = writeConfig('{"profile": "kiosk",');
    expect(
      problemsOf(() => loadShellConfig({ env: { HOMELINE_CONFIG: broken }, platform: 'linux' }))[0]
        ?.message,
    ).toContain('not valid JSON');
    const list = writeConfig([valid]);
    expect(
      problemsOf(() => loadShellConfig({ env: { HOMELINE_CONFIG: list }, platform: 'linux' }))[0]
        ?.message,
    ).toContain('JSON object');
  });

  it('reports unknown HOMELINE_* variables instead of ignoring typos silently', () => {
    const file = writeConfig(valid);
    const { unknownVariables } = loadShellConfig({
      env: { HOMELINE_CONFIG: file, HOMELINE_PROFIL: 'lobby' },
      platform: 'linux',
    });
    expect(unknownVariables).toEqual(['HOMELINE_PROFIL']);
  });

  it('never fails with anything but a ConfigError, whatever the file holds', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (content) => {
        try {
          loadShellConfig({
            env: {},
            platform: 'linux',
            readFile: () => JSON.stringify(content),
          });
        } catch (error) {
          return error instanceof ConfigError && error.problems.length > 0;
        }
        return true;
      }),
    );
  });
});
