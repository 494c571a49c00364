/**
 * `npm run dist [-- <electron-builder args>]`: builds the installers (docs/install.md).
 *   1. bundles the Electron main process and the sandboxed preload with esbuild into the app
 *      folder (app/dist/shell/), and the fuses afterPack hook (dist/build/);
 *   2. builds the renderer (`npm run build:renderer`, into dist/renderer/) and copies it to
 *      app/dist/renderer/;
 *   3. ships the update signing public key named by HOMELINE_UPDATE_PUBLIC_KEY, if given;
 *   4. runs electron-builder with electron-builder.yml and the Electron version pinned in
 *      package.json (default targets: Linux AppImage + deb on Linux, NSIS on Windows). It stops
 *      with a clear message when that Electron cannot be found locally (HOMELINE_ELECTRON_DIST,
 *      node_modules/electron/dist, or the Electron cache) and cannot be downloaded.
 * electron-builder packs app/ with the production dependencies of app/package.json only
 * (scripts/asar-contents.ts computes that list).
 */
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import semver from 'semver';
import { helpRequested } from '../cli/main';

export const BUILDER_CONFIG = 'electron-builder.yml';
/** The folder electron-builder packs (directories.app): its own package.json and the bundles. */
export const APP_DIR = 'app';

/** What the installed app may load from node_modules: app/package.json's dependencies. */
export function appDependencies(projectDir = '.'): string[] {
  const manifest = JSON.parse(readFileSync(join(projectDir, APP_DIR, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {});
}

export interface ShellBundles {
  main: string;
  preload: string;
  afterPack: string;
}

/**
 * Step 1: the three CommonJS bundles. The main process inlines everything but the app's own
 * dependencies (native modules, and packages that load files of their own at run time), which
 * electron-builder installs from app/package.json.
 */
export async function bundleShell(outDir = 'dist', afterPackDir = outDir): Promise<ShellBundles> {
  const bundles: ShellBundles = {
    main: join(outDir, 'shell', 'main.cjs'),
    preload: join(outDir, 'shell', 'preload.cjs'),
    afterPack: join(afterPackDir, 'build', 'after-pack.cjs'),
  };
  const common = { bundle: true, format: 'cjs', logLevel: 'warning', sourcemap: true } as const;
  await Promise.all([
    build({
      ...common,
      entryPoints: ['electron/shell/main.ts'],
      outfile: bundles.main,
      platform: 'node',
      target: 'node22',
      external: ['electron', ...appDependencies()],
    }),
    // Sandboxed preloads cannot require modules: everything but 'electron' is inlined.
    build({
      ...common,
      entryPoints: ['electron/shell/preload.ts'],
      outfile: bundles.preload,
      platform: 'browser',
      target: 'chrome140',
      external: ['electron'],
    }),
    // Self-contained, so electron-builder can load it from anywhere.
    build({
      ...common,
      entryPoints: ['electron/shell/packaging/fuses.ts'],
      outfile: bundles.afterPack,
      platform: 'node',
      target: 'node20',
    }),
  ]);
  return bundles;
}

/** The Electron binary's path when the optional electron package is installed, else null. */
export function electronBinary(): string | null {
  try {
    // The electron package's main export is the path of its binary.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * The one Electron version pin: the root package.json's optional dependency, an exact x.y.z
 * (the package itself may be absent, so electron-builder is given the version explicitly).
 */
export function pinnedElectronVersion(packageJsonText: string): string {
  const manifest = JSON.parse(packageJsonText) as { optionalDependencies?: Record<string, string> };
  const pin = manifest.optionalDependencies?.electron ?? '';
  if (!/^\d+\.\d+\.\d+$/.test(pin))
    throw new Error(`package.json must pin optionalDependencies.electron to x.y.z, found "${pin}"`);
  return pin;
}

export type ElectronSource =
  | { kind: 'dist'; path: string }
  | { kind: 'cache'; path: string }
  | { kind: 'missing'; looked: string[] };

function findFile(dir: string, name: string, depth = 3): string | null {
  if (!existsSync(dir)) return null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return path;
    if (entry.isDirectory() && depth > 0) {
      const found = findFile(path, name, depth - 1);
      if (found) return found;
    }
  }
  return null;
}

/** Where electron-builder can take Electron from without the network. */
export function findElectron(options: {
  version: string;
  platform: string;
  arch: string;
  env: NodeJS.ProcessEnv;
  projectDir: string;
}): ElectronSource {
  const { env, version } = options;
  const looked: string[] = [];
  if (env.HOMELINE_ELECTRON_DIST) {
    looked.push(env.HOMELINE_ELECTRON_DIST);
    if (existsSync(env.HOMELINE_ELECTRON_DIST))
      return { kind: 'dist', path: env.HOMELINE_ELECTRON_DIST };
  }
  const installed = join(options.projectDir, 'node_modules', 'electron');
  looked.push(join(installed, 'dist'));
  if (existsSync(join(installed, 'dist'))) {
    const installedVersion = JSON.parse(
      readFileSync(join(installed, 'package.json'), 'utf8'),
    ).version;
    if (installedVersion === version) return { kind: 'dist', path: join(installed, 'dist') };
    looked.push(`(node_modules/electron is ${installedVersion}, not ${version})`);
  }
  const cache =
    env.ELECTRON_CACHE ??
    (options.platform === 'win32'
      ? join(env.LOCALAPPDATA ?? homedir(), 'electron', 'Cache')
      : options.platform === 'darwin'
        ? join(homedir(), 'Library', 'Caches', 'electron')
        : join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'electron'));
  const zip = `electron-v${version}-${options.platform}-${options.arch}.zip`;
  looked.push(join(cache, '**', zip));
  const cached = findFile(cache, zip);
  return cached ? { kind: 'cache', path: cached } : { kind: 'missing', looked };
}

/** electron-builder downloads Electron from GitHub (or ELECTRON_MIRROR) when it is not local. */
export function electronDownloadUrl(
  version: string,
  platform: string,
  arch: string,
  env: NodeJS.ProcessEnv,
): string {
  const mirror = env.ELECTRON_MIRROR ?? 'https://github.com/electron/electron/releases/download/';
  return `${mirror.endsWith('/') ? mirror : `${mirror}/`}v${version}/electron-v${version}-${platform}-${arch}.zip`;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    return response.status < 500;
  } catch {
    return false;
  }
}

function fail(message: string, code = 1): never {
  console.error(`dist: ${message}`);
  process.exit(code);
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0)
    fail(`${command} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

const USAGE = `npm run dist [-- <electron-builder target arguments>]

Builds the installers into release/ (docs/install.md, "For release engineers"): bundles the
shell into app/dist, builds the renderer, then runs electron-builder for the Electron version
pinned in package.json. Default targets: AppImage and deb on Linux, NSIS on Windows.

environment:
  HOMELINE_UPDATE_PUBLIC_KEY  the release managers' Ed25519 public key (PEM) to ship
  HOMELINE_ELECTRON_DIST      an unpacked Electron of the pinned version, to build offline`;

async function main(passThrough: string[]): Promise<void> {
  if (helpRequested(passThrough)) {
    console.log(USAGE);
    return;
  }
  // electron-builder's native rebuild refuses older Node versions with an obscure stack.
  const engines = (
    JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } }
  ).engines.node;
  if (!semver.satisfies(process.version, engines))
    fail(`needs Node ${engines} (package.json engines); this is ${process.version}`);
  const appOut = join(APP_DIR, 'dist');
  rmSync(appOut, { recursive: true, force: true });
  const bundles = await bundleShell(appOut, 'dist');
  console.log(`dist: bundled ${bundles.main}, ${bundles.preload}, ${bundles.afterPack}`);

  const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts ?? {};
  if (!scripts['build:renderer']) {
    fail('package.json has no "build:renderer" script, so there is no renderer to package yet');
  }
  run('npm', ['run', 'build:renderer']);
  if (!existsSync('dist/renderer/index.html'))
    fail('build:renderer did not produce dist/renderer/index.html');
  cpSync(join('dist', 'renderer'), join(appOut, 'renderer'), { recursive: true });

  const resources = join('dist', 'resources');
  rmSync(resources, { recursive: true, force: true });
  mkdirSync(resources, { recursive: true });
  const keyFile = process.env.HOMELINE_UPDATE_PUBLIC_KEY;
  if (keyFile) {
    let key;
    try {
      key = createPublicKey(readFileSync(keyFile, 'utf8'));
    } catch (error) {
      fail(
        `HOMELINE_UPDATE_PUBLIC_KEY ${keyFile}: not a readable public key (${(error as Error).message})`,
      );
    }
    if (key.asymmetricKeyType !== 'ed25519')
      fail('HOMELINE_UPDATE_PUBLIC_KEY must be an Ed25519 public key');
    copyFileSync(keyFile, join(resources, 'update-signing.pub'));
  } else {
    console.warn('dist: HOMELINE_UPDATE_PUBLIC_KEY not set: this build will not update itself');
  }

  const version = pinnedElectronVersion(readFileSync('package.json', 'utf8'));
  const electron = findElectron({
    version,
    platform: process.platform,
    arch: process.arch,
    env: process.env,
    projectDir: resolve('.'),
  });
  const download = electronDownloadUrl(version, process.platform, process.arch, process.env);
  if (electron.kind === 'missing' && !(await reachable(download))) {
    fail(
      `Electron ${version} is not available on this machine and cannot be downloaded here.\n` +
        `  Tried ${download}\n` +
        `  Looked in:\n${electron.looked.map((place) => `    ${place}`).join('\n')}\n` +
        '  The bundles and the renderer are built in dist/. To make installers, run this on a\n' +
        '  machine that can reach github.com (electron-builder downloads Electron), or point\n' +
        '  HOMELINE_ELECTRON_DIST at an unpacked Electron of that version.',
      2,
    );
  }
  const targets =
    passThrough.length > 0
      ? passThrough
      : process.platform === 'win32'
        ? ['--win', 'nsis']
        : ['--linux', 'AppImage', 'deb'];
  const electronDist = electron.kind === 'dist' ? [`-c.electronDist=${electron.path}`] : [];
  run(join('node_modules', '.bin', 'electron-builder'), [
    '--config',
    BUILDER_CONFIG,
    '--publish',
    'never',
    `-c.electronVersion=${version}`,
    ...electronDist,
    ...targets,
  ]);
  console.log('dist: installers are in release/ (publish them with sync/server/updates/cli.ts)');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
