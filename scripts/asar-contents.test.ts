import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asarContents, readBuilderConfig, type AsarContents } from './asar-contents';
import { APP_DIR, BUILDER_CONFIG, bundleShell } from './dist';

/**
 * The installer's app.asar, as `npm run dist` would fill it: a project folder with the real
 * electron-builder.yml and app/package.json, the real shell bundles (with their source maps) and
 * the real renderer build, packed by electron-builder's own file matchers and the app's
 * production dependency tree (resolved against this repository's node_modules).
 */
const project = mkdtempSync(join(tmpdir(), 'homeline-asar-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
let contents: AsarContents;

beforeAll(async () => {
  mkdirSync(join(project, APP_DIR), { recursive: true });
  copyFileSync(BUILDER_CONFIG, join(project, BUILDER_CONFIG));
  copyFileSync(join(APP_DIR, 'package.json'), join(project, APP_DIR, 'package.json'));
  symlinkSync(resolve('node_modules'), join(project, 'node_modules'), 'dir');
  await bundleShell(join(project, APP_DIR, 'dist'), project);
  await viteBuild({
    configFile: 'renderer/vite.config.ts',
    logLevel: 'error',
    build: { outDir: join(project, APP_DIR, 'dist', 'renderer'), emptyOutDir: true },
  });
  contents = asarContents(project);
}, 600_000);

const packageName = (entry: string) => entry.slice(0, entry.lastIndexOf('@'));

describe('app.asar', () => {
  it('packs the app folder named by electron-builder.yml', () => {
    expect(readBuilderConfig('.').directories?.app).toBe(APP_DIR);
    expect(contents.appDir).toBe(APP_DIR);
  });

  it('holds our bundles, the built renderer and the manifest, no source maps or tests', () => {
    const own = contents.ownFiles;
    expect(own).toEqual(expect.arrayContaining(['package.json', 'dist/shell/main.cjs']));
    expect(own).toContain('dist/shell/preload.cjs');
    expect(own).toContain('dist/renderer/index.html');
    const unexpected = own.filter(
      (file) =>
        !['package.json', 'dist/shell/main.cjs', 'dist/shell/preload.cjs'].includes(file) &&
        !/^dist\/renderer\/(index\.html|assets\/[\w.-]+\.(js|css|woff2?|svg|png))$/.test(file),
    );
    expect(unexpected).toEqual([]);
    // The bundles were written with source maps beside them: the patterns keep them out.
    expect(own.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('packs no server, harness, renderer-library or test package', () => {
    const names = new Set(contents.packages.map(packageName));
    const forbidden = [
      'pg',
      'fastify',
      '@fastify/static',
      '@fastify/websocket',
      '@fastify/cookie',
      '@fastify/rate-limit',
      'ws',
      'react',
      'react-dom',
      'zustand',
      'lucide-react',
      'nodemailer',
      'otpauth',
      'vitest',
      '@playwright/test',
      'playwright',
      '@testing-library/react',
      'jsdom',
      'fast-check',
      'smtp-server',
      'typescript',
      'esbuild',
      'vite',
      'electron',
      'electron-builder',
    ];
    expect(forbidden.filter((name) => names.has(name))).toEqual([]);
    expect([...names].filter((name) => name.startsWith('@types/'))).toEqual([]);
  });

  it('packs the native modules and the updater the main process loads', () => {
    const names = new Set(contents.packages.map(packageName));
    for (const needed of [
      'better-sqlite3-multiple-ciphers',
      'better-sqlite3',
      'serialport',
      'electron-updater',
      'pino',
    ]) {
      expect(names.has(needed), needed).toBe(true);
    }
  });
});

describe('app/package.json', () => {
  const app = JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as {
    version: string;
    main: string;
    dependencies: Record<string, string>;
  };
  const root = JSON.parse(readFileSync('package.json', 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('has the version of the release and starts the bundled main process', () => {
    expect(app.version).toBe(root.version);
    expect(app.main).toBe('dist/shell/main.cjs');
  });

  it('asks for the same versions the workspace is tested with', () => {
    for (const [name, range] of Object.entries(app.dependencies)) {
      expect(root.dependencies[name] ?? root.devDependencies[name], name).toBe(range);
    }
  });
});
