/**
 * `npm run build:central`: the central service as plain JavaScript for production, so a central
 * machine installs the runtime packages only (`npm ci --omit=dev --omit=optional`, docs/install.md)
 * and runs it with Node: no TypeScript loader, no development package.
 *   dist/central/central.js      the central service's command line (sync/server/cli.ts)
 *   dist/central/service-pin.js  the Service PIN line for device configurations
 * Our own code is inlined; every package stays external and must be one of package.json's
 * `dependencies` (the build refuses anything else, so a development package can never creep in).
 * The bundles run as NODE_ENV=production unless told otherwise: no processor simulator beside the
 * service, which is a development tool.
 */
import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { runProgram } from '../cli/main';

export const CENTRAL_DIST = join('dist', 'central');

export const CENTRAL_BUNDLES = {
  'central.js': 'sync/server/cli.ts',
  'service-pin.js': 'scripts/service-pin.ts',
} as const;

/** The package a bare import names: `pg`, `@fastify/cookie` (not its subpath). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** Builds the bundles into `outDir`; returns the packages they load from node_modules. */
export async function buildCentral(outDir = CENTRAL_DIST, projectDir = '.'): Promise<string[]> {
  const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const result = await build({
    entryPoints: Object.entries(CENTRAL_BUNDLES).map(([out, source]) => ({
      in: join(projectDir, source),
      out: out.replace(/\.js$/, ''),
    })),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    banner: { js: "process.env.NODE_ENV ??= 'production';" },
  });
  const loaded = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((entry) => entry.external && !isBuiltin(entry.path))
      .map((entry) => packageOf(entry.path)),
  );
  const undeclared = [...loaded].filter((name) => !(name in manifest.dependencies));
  if (undeclared.length > 0) {
    throw new Error(
      `the central service would load ${undeclared.join(', ')}, not among package.json's ` +
        'dependencies: add it there or stop importing it',
    );
  }
  return [...loaded].sort();
}

const USAGE = `npm run build:central

Bundles the central service and the Service PIN tool into ${CENTRAL_DIST}/ as plain JavaScript
that needs only package.json's dependencies (docs/install.md).`;

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  runProgram({ name: 'build:central', usage: USAGE }, async () => {
    const packages = await buildCentral();
    console.log(`${CENTRAL_DIST}/: ${Object.keys(CENTRAL_BUNDLES).join(', ')}`);
    console.log(`loads from node_modules: ${packages.join(', ')}`);
  });
}
