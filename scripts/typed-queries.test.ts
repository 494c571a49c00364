import { readFileSync, readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// Converted central-service modules run every query through the typed layer; the lint refuses a
// raw call there. These cases prove the rule fires on each module and stays quiet on typed code.
// Only the syntax rule runs here, without the TypeScript project the type-aware rules need.
const eslint = new ESLint({
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** The central-service files the lint holds to typed queries (`typedQueryModules`). */
async function typedQueryModules(): Promise<string[]> {
  const files = readdirSync('sync/server', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `sync/server/${file}`);
  const held: string[] = [];
  for (const file of files) {
    const config = (await eslint.calculateConfigForFile(file)) as {
      rules?: Record<string, unknown[]>;
    };
    const options = config.rules?.['no-restricted-syntax'] ?? [];
    if (JSON.stringify(options).includes('Typed queries only here')) held.push(file);
  }
  return held.sort();
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

  it('holds the money modules converted so far', () => {
    expect(modules).toEqual([
      'sync/server/changes.ts',
      'sync/server/chargebacks.ts',
      'sync/server/customers.ts',
      'sync/server/deposits.ts',
      'sync/server/idempotency.ts',
      'sync/server/ledger.ts',
      'sync/server/money/card-charges.ts',
      'sync/server/money/cash-report.ts',
      'sync/server/money/disputes.ts',
      'sync/server/money/finance-entry.ts',
      'sync/server/money/refund-sweep.ts',
      'sync/server/money/stamp-refunds.ts',
      'sync/server/mutations/auth.ts',
      'sync/server/mutations/cash-journal.ts',
      'sync/server/mutations/deposits.ts',
      'sync/server/mutations/mail.ts',
      'sync/server/mutations/release.ts',
      'sync/server/mutations/stamps.ts',
      'sync/server/mutations/tickets.ts',
      'sync/server/push.ts',
      'sync/server/staff.ts',
    ]);
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
