import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appDependencies,
  BUILDER_CONFIG,
  bundleShell,
  findElectron,
  pinnedElectronVersion,
} from './dist';

const dir = mkdtempSync(join(tmpdir(), 'homeline-dist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const require = createRequire(import.meta.url);

const requiredModules = (code: string) =>
  [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);

describe('bundleShell', () => {
  it('bundles main, a self-contained preload and the afterPack hook', async () => {
    const bundles = await bundleShell(dir);
    const preload = readFileSync(bundles.preload, 'utf8');
    // Sandboxed preloads cannot load modules: only Electron's own 'electron' may be required.
    expect(new Set(requiredModules(preload))).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("homeline"');
    expect(preload).toContain('homeline:invoke');

    const main = readFileSync(bundles.main, 'utf8');
    const mainRequires = new Set(requiredModules(main));
    for (const external of ['electron', 'electron-updater', 'pino', 'better-sqlite3']) {
      expect(mainRequires.has(external), external).toBe(true);
    }
    // Our own code is inlined: no relative requires left for the packer to miss.
    expect([...mainRequires].filter((name) => name!.startsWith('.'))).toEqual([]);
    // electron-builder packs app/package.json's dependencies only: anything else would be missing.
    const dependencies = appDependencies();
    const packages = [...mainRequires]
      .filter((name) => !isBuiltin(name!) && name !== 'electron')
      .map((name) =>
        (name!.startsWith('@') ? name!.split('/').slice(0, 2) : name!.split('/', 1)).join('/'),
      );
    expect(packages.filter((name) => !dependencies.includes(name))).toEqual([]);
    // And nothing else: an app dependency the bundle never loads would only bloat the installer
    // (knip cannot tell, since the app folder holds no sources of its own).
    expect(dependencies.filter((name) => !packages.includes(name))).toEqual([]);

    const afterPack = require(resolve(bundles.afterPack)) as { default: unknown };
    expect(typeof afterPack.default).toBe('function');
  });
});

describe('electron-builder.yml', () => {
  const text = readFileSync(BUILDER_CONFIG, 'utf8');

  it('leaves the Electron version to the one pin in package.json', () => {
    expect(text).not.toMatch(/^electronVersion:/m);
  });

  it("passes electron-builder's own schema", async () => {
    // electron-builder's validator and YAML reader, from its own dependencies.
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, log: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as {
      DebugLogger: new (on: boolean) => unknown;
    };
    const config = yaml.load(text) as Record<string, unknown>;
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config).toMatchObject({
      asar: true,
      asarUnpack: ['**/*.node'],
      npmRebuild: true,
      afterPack: 'dist/build/after-pack.cjs',
      publish: { provider: 'generic' },
    });
  });
});

describe('pinnedElectronVersion', () => {
  it('is the only place in the repository that names the Electron version', () => {
    const pin = pinnedElectronVersion(readFileSync('package.json', 'utf8'));
    expect(pin).toMatch(/^\d+\.\d+\.\d+$/);
    const tracked = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' })
      .split('\0')
      .filter((file) => file && !['package.json', 'package-lock.json'].includes(file));
    const naming = tracked.filter(
      (file) => existsSync(file) && readFileSync(file, 'latin1').includes(pin),
    );
    expect(naming).toEqual([]);
  });

  it('refuses a range or a missing pin', () => {
    const manifest = (electron?: string) =>
      JSON.stringify({ optionalDependencies: electron ? { electron } : {} });
    expect(() => pinnedElectronVersion(manifest('^1.2.3'))).toThrow(/x\.y\.z.*\^1\.2\.3/);
    expect(() => pinnedElectronVersion(manifest())).toThrow(/optionalDependencies\.electron/);
  });
});

describe('findElectron', () => {
  const version = pinnedElectronVersion(readFileSync('package.json', 'utf8'));
  const base = { version, platform: 'linux', arch: 'x64', projectDir: dir };

  it('reports every place it looked when Electron is nowhere', () => {
    const found = findElectron({ ...base, env: { ELECTRON_CACHE: join(dir, 'empty-cache') } });
    expect(found.kind).toBe('missing');
    expect(found.kind === 'missing' && found.looked.join('\n')).toContain(
      `electron-v${version}-linux-x64.zip`,
    );
  });

  it('finds a cached zip of the pinned version, or an explicit dist folder', () => {
    const cache = join(dir, 'cache');
    mkdirSync(join(cache, 'abc123'), { recursive: true });
    const zip = `electron-v${version}-linux-x64.zip`;
    writeFileSync(join(cache, 'abc123', zip), 'zip');
    expect(findElectron({ ...base, env: { ELECTRON_CACHE: cache } })).toEqual({
      kind: 'cache',
      path: join(cache, 'abc123', zip),
    });
    expect(
      findElectron({ ...base, env: { ELECTRON_CACHE: cache, HOMELINE_ELECTRON_DIST: cache } }),
    ).toEqual({ kind: 'dist', path: cache });
  });
});
