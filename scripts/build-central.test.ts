import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCentral } from './build-central';

const scratch = mkdtempSync(join(tmpdir(), 'homeline-build-central-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('npm run build:central', () => {
  it("loads exactly package.json's dependencies: all of them, and nothing else", async () => {
    // Running the bundle on plain Node with only these installed: scripts/install-guide.test.ts.
    const loaded = await buildCentral(join(scratch, 'dist'));
    expect(loaded).toEqual(Object.keys(manifest.dependencies).sort());
  });

  it('refuses to build when the service would load a package that is not a dependency', async () => {
    // The same sources under a package.json that lacks pg.
    const project = join(scratch, 'project');
    mkdirSync(project);
    const withoutPg = Object.fromEntries(
      Object.entries(manifest.dependencies).filter(([name]) => name !== 'pg'),
    );
    for (const entry of ['cli', 'domain', 'electron', 'scripts', 'sync', 'assets', 'node_modules'])
      symlinkSync(resolve(entry), join(project, entry), 'dir');
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ ...manifest, dependencies: withoutPg }),
    );
    await expect(buildCentral(join(scratch, 'refused'), project)).rejects.toThrow(
      /would load pg, not among package.json's dependencies/,
    );
  });
});
