import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands on its own: every file it names exists in it, and nothing points at
 * briefs or folders outside it. Checked over every tracked text file of ours.
 */

const root = normalize(join(dirname(new URL(import.meta.url).pathname), '..'));
const TEXT = /\.(ts|tsx|js|mjs|cjs|md|yml|yaml|json|html|css)$/;
const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => TEXT.test(file) && !file.endsWith('package-lock.json'))
  .filter((file) => existsSync(join(root, file)));

/** Upper-case names of documents that live outside the repository, and paths out of it. */
const OUTSIDE = /\.\.\/shared\b|\b(?:DOMAIN|SECURITY|HARDWARE|ARCHITECTURE)\.md\b/;
/** A path from the repository root (docs/, scripts/, sync/ ...) named in a comment or doc. */
const ROOT_PATH =
  /(?<![\w./-])((?:docs|scripts|bench|tests|assets|domain|electron|renderer|sync|hardware)\/[\w./-]*\w\.(?:md|ts|tsx|json|sql|sh|html|css))\b/g;
/** Markdown links to local files: `[text](other.md)` or `[text](../README.md#part)`. */
const MD_LINK = /\]\((?!https?:|mailto:|#)([^)\s#]+)(?:#[^)\s]*)?\)/g;

describe('references inside the repository', () => {
  it('never point at briefs or folders outside the repository', () => {
    const offenders = files.filter((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .some((line) => OUTSIDE.test(line)),
    );
    expect(offenders).toEqual([]);
  });

  it('name only files that exist', () => {
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [, path] of text.matchAll(ROOT_PATH)) {
        // bench/results/ holds what a benchmark run writes: named in docs, never committed.
        const generated = path?.startsWith('bench/results/');
        if (path && !generated && !path.includes('*') && !existsSync(join(root, path))) {
          missing.push(`${file}: ${path}`);
        }
      }
      if (file.endsWith('.md')) {
        for (const [, link] of text.matchAll(MD_LINK)) {
          if (link && !existsSync(join(root, dirname(file), link))) {
            missing.push(`${file}: (${link})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
