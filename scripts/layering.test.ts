import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The layering table is enforced by eslint; these cases prove the rule fires (and stays quiet).
// The rule only judges imports that resolve, so each case imports a real, temporary module.
// Only that rule runs, without type information: building the whole TypeScript project for a
// one-line probe is the slow part of the type-aware lint, and it judges nothing here.
const LAYERING_RULE = 'import-x/no-restricted-paths';
const eslint = new ESLint({
  ruleFilter: ({ ruleId }) => ruleId === LAYERING_RULE,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});
const probeName = `layering-probe-${process.pid}`;
const created: string[] = [];

function probeModule(folder: string): string {
  const path = `${folder}/${probeName}.ts`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'export const probe = 1;\n');
  created.push(path);
  return probeName;
}

async function layeringErrors(importer: string, target: string): Promise<string[]> {
  const name = probeModule(target);
  const depth = importer.split('/').length;
  const specifier = `${'../'.repeat(depth)}${target}/${name}`;
  const code = `import { probe } from '${specifier}';\nexport const x = probe;\n`;
  const [result] = await eslint.lintText(code, {
    filePath: `${importer}/${probeName}-importer.ts`,
  });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === LAYERING_RULE)
    .map((message) => message.message);
}

afterAll(() => {
  for (const path of created) rmSync(path, { force: true });
});

describe('layering lint rule', () => {
  it('forbids domain from importing anything of ours', async () => {
    const errors = await layeringErrors('domain', 'electron/contract');
    expect(errors.join('\n')).toMatch(/domain may import only nothing of ours/);
  });

  it('forbids the renderer from reaching into the backend', async () => {
    const errors = await layeringErrors('renderer', 'electron/backend');
    expect(errors.join('\n')).toMatch(/renderer may import only/);
  });

  it('forbids the hardware abstraction layer from importing drivers', async () => {
    const errors = await layeringErrors('hardware/hal', 'hardware/drivers');
    expect(errors.join('\n')).toMatch(/hardware\/hal may import only nothing of ours/);
  });

  it('forbids product code from importing test and script tools', async () => {
    const errors = await layeringErrors('sync/server', 'scripts');
    expect(errors.join('\n')).toMatch(/sync\/server may import only/);
  });

  it('allows the backend to import the domain and the contract', async () => {
    expect(await layeringErrors('electron/backend', 'domain')).toEqual([]);
    expect(await layeringErrors('electron/backend', 'electron/contract')).toEqual([]);
  });
});
