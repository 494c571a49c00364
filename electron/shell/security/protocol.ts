import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { contentType } from 'mime-types';
import { isAppUrl } from '../origin';
import { securityHeaders } from './csp';

/**
 * The app:// protocol: serves the built renderer from one folder and nothing else. Used instead
 * of file:// so that a page can never read the rest of the disk (docs/security.md).
 */

export type Resolution =
  { ok: true; file: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): Resolution => ({
  ok: false,
  status,
  reason,
});

/**
 * Pure part: maps an app:// URL to a path under `root`, or refuses. Refuses other origins,
 * malformed or encoded traversal (`..`, `%2e%2e`, `%2f`, backslashes), NUL bytes, drive letters
 * and Windows stream names (`:`). `/` means index.html.
 */
export function resolveAppPath(root: string, url: string): Resolution {
  if (!isAppUrl(url)) return refuse(403, 'not an app:// URL of this app');
  const rawPath = new URL(url).pathname;
  const rawSegments = rawPath.split('/').filter((segment) => segment !== '');
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return refuse(400, 'malformed percent-encoding');
    }
    if (segment === '.' || segment === '..') return refuse(403, 'path traversal');
    if (/[/\\:\0]/.test(segment)) return refuse(403, 'forbidden character in path');
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  const file = join(root, ...segments);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return refuse(403, 'outside the app root');
  }
  return { ok: true, file };
}

/** Impure part: the resolved file, after symlinks, must still be under the real root. */
export async function resolveAppFile(root: string, url: string): Promise<Resolution> {
  const resolution = resolveAppPath(root, url);
  if (!resolution.ok) return resolution;
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(root);
    realFile = await realpath(resolution.file);
  } catch {
    return refuse(404, 'not found');
  }
  const inside = relative(realRoot, realFile);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    return refuse(403, 'a link leads outside the app root');
  }
  return { ok: true, file: realFile };
}

export interface AppProtocolOptions {
  /** The folder holding the built renderer (index.html and its assets). */
  root: string;
  csp: string;
  /** Told about every refused request, for the log. */
  onRefused?: (url: string, reason: string) => void;
}

/** The handler given to Electron's `protocol.handle('app', ...)`; plain fetch Request/Response. */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: Request) => Promise<Response> {
  const headers = securityHeaders(options.csp);
  const answer = (status: number, reason: string, url: string): Response => {
    options.onRefused?.(url, reason);
    return new Response(reason, {
      status,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
    });
  };
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(405, 'method not allowed', request.url);
    }
    const resolution = await resolveAppFile(options.root, request.url);
    if (!resolution.ok) return answer(resolution.status, resolution.reason, request.url);
    let body: Buffer;
    try {
      body = await readFile(resolution.file);
    } catch {
      // A folder, or a file removed since it was resolved.
      return answer(404, 'not found', request.url);
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        ...headers,
        'Content-Type': contentType(extname(resolution.file)) || 'application/octet-stream',
        'Content-Length': String(body.byteLength),
      },
    });
  };
}
