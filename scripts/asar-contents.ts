/**
 * What `npm run dist` puts into app.asar, computed without Electron or the network
 * (`npx tsx scripts/asar-contents.ts` prints it; scripts/asar-contents.test.ts checks it):
 *   - our own files: electron-builder's own file matchers (the `files` patterns of
 *     electron-builder.yml with its default exclusions) walked over the app folder;
 *   - the packages: the production dependency tree of the app folder's package.json as npm
 *     installs it (dependencies and optional dependencies, transitively), each resolved the way
 *     Node resolves it from the app folder upwards, so here against the root node_modules.
 * The Electron package itself is never packed (electron-builder adds the binary around the asar).
 */
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

interface BuilderConfig {
  directories?: { app?: string; output?: string; buildResources?: string };
  files?: unknown;
}

interface FileMatcher {
  createFilter(): (file: string, stat: Stats) => boolean;
}

// electron-builder's matcher builder; it reads only these fields of the packager it is given.
const { getMainFileMatchers } = require('app-builder-lib/out/fileMatcher') as {
  getMainFileMatchers(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformSpecificBuildOptions: object,
    platformPackager: object,
    outDir: string,
    isElectronCompile: boolean,
  ): FileMatcher[];
};

export interface AsarContents {
  /** The app folder electron-builder packs (directories.app), relative to the project. */
  appDir: string;
  /** Our own files, relative to the app folder, sorted. */
  ownFiles: string[];
  /** Every packed package as name@version, sorted. */
  packages: string[];
}

export function readBuilderConfig(
  projectDir: string,
  file = 'electron-builder.yml',
): BuilderConfig {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(readFileSync(join(projectDir, file), 'utf8')) as BuilderConfig;
}

function walk(dir: string, keep: (file: string, stat: Stats) => boolean, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (!keep(path, stat)) continue;
    if (stat.isDirectory()) walk(path, keep, out);
    else out.push(path);
  }
}

function ownFiles(projectDir: string, appDir: string, config: BuilderConfig): string[] {
  const packagerInfo = {
    projectDir,
    buildResourcesDir: resolve(projectDir, config.directories?.buildResources ?? 'build'),
    config,
    isPrepackedAppAsar: false,
    debugLogger: { isEnabled: false },
  };
  const outDir = resolve(projectDir, config.directories?.output ?? 'dist');
  const matchers = getMainFileMatchers(
    appDir,
    appDir,
    (pattern) => pattern,
    {},
    { info: packagerInfo },
    outDir,
    false,
  );
  const files: string[] = [];
  for (const matcher of matchers) walk(appDir, matcher.createFilter(), files);
  return [...new Set(files.map((file) => relative(appDir, file).replace(/\\/g, '/')))].sort();
}

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** Node's lookup: <dir>/node_modules/<name>, then the same in every parent folder. */
function findPackage(from: string, name: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

function productionTree(appDir: string): string[] {
  const seen = new Map<string, string>();
  const visit = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
    const names = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
    ];
    for (const name of new Set(names)) {
      if (name === 'electron') continue;
      const found = findPackage(dir, name);
      if (!found) {
        // npm skips an optional dependency that does not install on this platform.
        if (pkg.optionalDependencies?.[name] !== undefined) continue;
        throw new Error(`${pkg.name} needs ${name}, which is not installed`);
      }
      if (seen.has(found)) continue;
      const child = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8')) as PackageJson;
      seen.set(found, `${child.name}@${child.version}`);
      visit(found);
    }
  };
  visit(appDir);
  return [...new Set(seen.values())].sort();
}

export function asarContents(
  projectDir: string,
  config = readBuilderConfig(projectDir),
): AsarContents {
  const appDir = resolve(projectDir, config.directories?.app ?? '.');
  return {
    appDir: relative(projectDir, appDir) || '.',
    ownFiles: ownFiles(projectDir, appDir, config),
    packages: productionTree(appDir),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const contents = asarContents(resolve('.'));
  console.log(`app folder: ${contents.appDir}`);
  console.log(`own files (${contents.ownFiles.length}):`);
  for (const file of contents.ownFiles) console.log(`  ${file}`);
  console.log(`packages (${contents.packages.length}):`);
  for (const name of contents.packages) console.log(`  ${name}`);
}
