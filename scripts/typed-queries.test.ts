import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Central-service modules run every query through the typed layer; the lint refuses a raw call
// there. These cases prove which modules it holds, that the rule fires in each of them, and that
// it stays quiet on typed code.
// Only the syntax rule runs here, without the TypeScript project the type-aware rules need.
const eslint = new ESLint({
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

const centralModules = readdirSync('sync/server', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `sync/server/${file}`)
  .sort();

/** Raw SQL on purpose: the storage seam and migrations, tests and their helpers. */
const rawByDesign = (file: string) =>
  file.startsWith('sync/server/storage/') ||
  file.startsWith('sync/server/testing/') ||
  file.endsWith('.test.ts');

/** The central-service files the lint holds to typed queries (`typedQueryModules`). */
async function typedQueryModules(): Promise<string[]> {
  const held: string[] = [];
  for (const file of centralModules) {
    const config = (await eslint.calculateConfigForFile(file)) as {
      rules?: Record<string, unknown[]>;
    };
    const options = config.rules?.['no-restricted-syntax'] ?? [];
    if (JSON.stringify(options).includes('Typed queries only here')) held.push(file);
  }
  return held;
}

async function rawQueryErrors(file: string, extra: string): Promise<string[]> {
  // The module's own text with a function appended, linted as the module.
  const code = `${readFileSync(file, 'utf8')}\n${extra}\n`;
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-syntax')
    .map((message) => message.message);
}

describe('typed queries lint rule', () => {
  let modules: string[] = [];
  beforeAll(async () => {
    modules = await typedQueryModules();
  });

  it('holds every central module but the storage seam and tests', () => {
    expect(modules.filter(rawByDesign)).toEqual([]);
    expect(modules).toContain('sync/server/push.ts');
  });

  it('exempts only modules that still make raw calls (the push path being converted)', async () => {
    const exempt = centralModules.filter((file) => !rawByDesign(file) && !modules.includes(file));
    for (const file of exempt) {
      // The exempt module's text, linted under a made-up name in a held folder (no such file).
      const [result] = await eslint.lintText(readFileSync(file, 'utf8'), {
        filePath: join('sync', 'server', 'exempt-probe.ts'),
      });
      const raw = (result?.messages ?? []).filter((message) =>
        message.message.startsWith('Typed queries only here'),
      );
      expect(raw.length, `${file} is typed now: remove it from rawQueryModules`).toBeGreaterThan(0);
    }
  });

  it('refuses raw queries and raw row locks in each of them', async () => {
    for (const file of modules) {
      const errors = await rawQueryErrors(
        file,
        `interface ProbeTx { get<T>(sql: string): Promise<T>; all(sql: string): Promise<unknown>; forUpdate: string }
export async function probeRaw(work: { tx: ProbeTx }, context: { storage: ProbeTx }) {
  const tx = work.tx;
  await tx.get<{ cents: number }>('SELECT cents FROM balances' + tx.forUpdate);
  await context.storage.all('SELECT 2');
  return work.tx.all('SELECT 1');
}`,
      );
      expect(errors, file).toEqual([
        expect.stringMatching(/use typed\(tx\)/),
        expect.stringMatching(/FOR UPDATE exists on PostgreSQL only/),
        expect.stringMatching(/use typed\(context\.storage\)/),
        expect.stringMatching(/use typed\(work\.tx\)/),
      ]);
    }
  });

  it('stays quiet on the modules as they are', async () => {
    const results = await eslint.lintFiles(modules);
    expect(results.flatMap((result) => result.messages)).toEqual([]);
  });
});
