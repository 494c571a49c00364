import { createHash, type KeyObject } from 'node:crypto';
import { HEADERS, PROTOCOL_VERSION, signingPayload } from '../protocol';
import type { BlobRangeAnswer, BlobTransport } from './blobs';
import { SyncError } from './errors';
import type { HttpTransportOptions } from './http';
import { loadPrivateKey, signText } from './keys';

/** `GET /v1/blobs/:sha256` with `Range`, signed like every device request. */
export const blobPath = (sha256: string) => `/v1/blobs/${sha256}`;

const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

/**
 * Ranged attachment downloads from the central service, over the same options (address,
 * versions, credentials, request counter, timeout) as `createHttpTransport`. The body is handed
 * over as it arrives, so bytes received before a connection breaks are not lost.
 */
export function createBlobHttpTransport(options: HttpTransportOptions): BlobTransport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let cachedKey: { source: string; key: KeyObject } | undefined;

  function signedHeaders(path: string): Record<string, string> {
    const credentials = options.credentials();
    if (!credentials) throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
    if (cachedKey?.source !== credentials.privateKey)
      cachedKey = { source: credentials.privateKey, key: loadPrivateKey(credentials.privateKey) };
    const counter = options.nextRequestCounter();
    return {
      [HEADERS.protocol]: String(PROTOCOL_VERSION),
      [HEADERS.app]: options.appVersion,
      [HEADERS.schema]: String(options.schemaVersion),
      [HEADERS.device]: credentials.deviceId,
      [HEADERS.counter]: String(counter),
      [HEADERS.bodySha256]: EMPTY_BODY_SHA256,
      [HEADERS.signature]: signText(
        cachedKey.key,
        signingPayload({
          method: 'GET',
          path,
          deviceId: credentials.deviceId,
          counter,
          bodySha256: EMPTY_BODY_SHA256,
        }),
      ),
    };
  }

  return {
    async fetchRange(sha256, start, end, signal): Promise<BlobRangeAnswer> {
      const baseUrl = typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl;
      if (!baseUrl) throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
      const path = blobPath(sha256);
      let response: Response;
      try {
        response = await doFetch(new URL(path, baseUrl), {
          headers: { ...signedHeaders(path), range: `bytes=${start}-${end}` },
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
            : AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (error instanceof SyncError) throw error;
        throw new SyncError('offline', `GET ${path}: ${describe(error)}`);
      }
      if (response.status !== 206 || !response.body) {
        const text = await response.text().catch(() => '');
        throw errorFor(
          response.status,
          `GET ${path}: HTTP ${response.status} ${text.slice(0, 200)}`,
        );
      }
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== start) {
        await response.body.cancel();
        throw new SyncError('transient', `GET ${path}: the answer is not the range asked for`);
      }
      return { total: Number(range[3]), chunks: chunksOf(response.body, path) };
    },
  };
}

/** The body's bytes; a broken connection becomes an `offline` SyncError. */
async function* chunksOf(body: ReadableStream<Uint8Array>, path: string) {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } catch (error) {
    throw new SyncError('offline', `GET ${path}: ${describe(error)}`);
  } finally {
    // Stopped early (more bytes than asked for): free the connection.
    await reader.cancel().catch(() => undefined);
  }
}

function errorFor(status: number, message: string): SyncError {
  if (status === 426) return new SyncError('upgrade_required', message);
  if (status === 401 || status === 403) return new SyncError('unauthorized', message);
  // 404: not uploaded yet (or still uploading); 416: the server's copy is shorter than announced.
  if (status === 404 || status === 416 || status === 408 || status === 429 || status >= 500)
    return new SyncError('transient', message);
  return new SyncError('rejected_request', message);
}

/** The error, or what caused it (undici's "fetch failed" hides the reset or refusal). */
const describe = (error: unknown) =>
  String((error as { cause?: unknown } | undefined)?.cause ?? error);
