import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Attributes people read or hear: they must come from the translations too. */
const SPOKEN_ATTRIBUTES = new Set([
  'aria-label',
  'title',
  'alt',
  'placeholder',
  'aria-description',
]);
const LETTERS = /\p{L}/u;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.tsx') && !path.endsWith('.test.tsx') ? [path] : [];
  });
}

/** Literal words in JSX text or in spoken attributes, as "file:line: text". */
function literals(path: string, text = readFileSync(path, 'utf8')): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const leading = ts.isJsxText(node) ? text.length - text.trimStart().length : 0;
    const { line } = source.getLineAndCharacterOfPosition(node.getStart() + leading);
    found.push(`${relative(process.cwd(), path)}:${line + 1}: ${text.trim()}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTERS.test(node.text)) report(node, node.text);
    if (
      ts.isJsxAttribute(node) &&
      SPOKEN_ATTRIBUTES.has(node.name.getText(source)) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer) &&
      LETTERS.test(node.initializer.text)
    ) {
      report(node, node.getText(source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('user-visible text', () => {
  const root = join(import.meta.dirname, '..');

  it('is never a literal in JSX: every word comes from i18n', () => {
    const files = sourceFiles(root);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => literals(file))).toEqual([]);
  });

  it('catches literal text and spoken attributes, and lets translated ones pass', () => {
    const probe = join(root, 'probe.tsx');
    const text = [
      'export const P = () => (',
      '  <p title="Hello" className="x">',
      '    Welcome back',
      '    <span aria-label={t("a.b")}>{t("c.d")} · ⌫</span>',
      '  </p>',
      ');',
    ].join('\n');
    expect(literals(probe, text).map((line) => line.replace(/^.*probe\.tsx:/, ''))).toEqual([
      '2: title="Hello"',
      '3: Welcome back',
    ]);
  });
});
