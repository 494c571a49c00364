import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsp } from './csp';
import { createAppProtocolHandler, resolveAppFile, resolveAppPath } from './protocol';

let base: string;
let root: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'homeline-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Homeline</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'café menú.css'), 'body{}');
  writeFileSync(join(base, 'secret.txt'), 'outside the root');
  symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'));
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'assets', 'alias.js'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppPath', () => {
  it('maps the app origin to files under the root, / to index.html', () => {
    expect(resolveAppPath('/r', 'app://homeline/')).toEqual({ ok: true, file: '/r/index.html' });
    expect(resolveAppPath('/r', 'app://homeline/assets/app.js?v=1#x')).toEqual({
      ok: true,
      file: '/r/assets/app.js',
    });
    expect(resolveAppPath('/r', 'app://homeline/assets/caf%C3%A9.css')).toEqual({
      ok: true,
      file: '/r/assets/café.css',
    });
  });

  it('keeps dot segments the URL parser already collapsed inside the root', () => {
    for (const url of [
      'app://homeline/../secret.txt',
      'app://homeline/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      expect(resolveAppPath('/r', url)).toEqual({ ok: true, file: '/r/secret.txt' });
    }
  });

  it.each([
    ['app://homeline/%2E%2E%2Fsecret.txt', 403],
    ['app://homeline/assets/..%5c..%5csecret.txt', 403],
    ['app://homeline/%2fetc%2fpasswd', 403],
    ['app://homeline/C:%5cWindows%5cwin.ini', 403],
    ['app://homeline/index.html%00.js', 403],
    ['app://homeline/index.html::$DATA', 403],
    ['app://homeline/%E0%A4%A', 400],
    ['app://other/index.html', 403],
    ['app://user:pw@homeline/index.html', 403],
    ['file:///etc/passwd', 403],
    ['https://homeline/index.html', 403],
    ['not a url', 403],
  ])('refuses %s', (url, status) => {
    expect(resolveAppPath('/r', url)).toMatchObject({ ok: false, status });
  });

  it('never resolves outside the root, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom('..', '.', '%2e%2e', '%2E.', '..%2f', '%5c', '%00', 'a', 'C:', '%'),
            fc.string(),
          ),
          { maxLength: 6 },
        ),
        (segments) => {
          const resolution = resolveAppPath('/srv/root', `app://homeline/${segments.join('/')}`);
          return !resolution.ok || resolution.file.startsWith('/srv/root/');
        },
      ),
    );
  });
});

describe('resolveAppFile', () => {
  it('follows links that stay inside and refuses links that leave the root', async () => {
    expect(await resolveAppFile(root, 'app://homeline/assets/alias.js')).toEqual({
      ok: true,
      file: join(root, 'assets', 'app.js'),
    });
    expect(await resolveAppFile(root, 'app://homeline/assets/escape.txt')).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await resolveAppFile(root, 'app://homeline/missing.js')).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe('createAppProtocolHandler', () => {
  const csp = buildCsp();
  const refused: string[] = [];
  const handle = () =>
    createAppProtocolHandler({
      root,
      csp,
      onRefused: (url, reason) => refused.push(`${url} ${reason}`),
    });

  it('serves files with their type, the CSP and nosniff', async () => {
    const response = await handle()(new Request('app://homeline/'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(csp);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Homeline</title>');

    const script = await handle()(new Request('app://homeline/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const style = await handle()(new Request('app://homeline/assets/caf%C3%A9%20men%C3%BA.css'));
    expect(await style.text()).toBe('body{}');
  });

  it('sets the CSP on refusals too and reports them', async () => {
    const escape = await handle()(new Request('app://homeline/assets/escape.txt'));
    expect(escape.status).toBe(403);
    expect(escape.headers.get('content-security-policy')).toBe(csp);
    expect(await escape.text()).not.toContain('outside the root');
    const post = await handle()(
      new Request('app://homeline/index.html', { method: 'POST', body: 'x' }),
    );
    expect(post.status).toBe(405);
    const climb = await handle()(new Request('app://homeline/../secret.txt'));
    expect(climb.status).toBe(404);
    const folder = await handle()(new Request('app://homeline/assets'));
    expect(folder.status).toBe(404);
    expect(refused.some((line) => line.includes('escape.txt'))).toBe(true);
  });

  it('answers HEAD without a body', async () => {
    const response = await handle()(new Request('app://homeline/index.html', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});
