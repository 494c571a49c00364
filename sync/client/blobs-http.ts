import type { BlobRangeAnswer, BlobTransport } from './blobs';
import { SyncError } from './errors';
import {
  centralBaseUrl,
  createRequestSigner,
  describe,
  versionHeaders,
  type HttpTransportOptions,
} from './http';

/** `GET /v1/blobs/:sha256` with `Range`, signed like every device request. */
export const blobPath = (sha256: string) => `/v1/blobs/${sha256}`;

/**
 * Ranged attachment downloads from the central service, over the same options (address,
 * versions, credentials, request counter, timeout) as `createHttpTransport`. The body is handed
 * over as it arrives, so bytes received before a connection breaks are not lost.
 */
export function createBlobHttpTransport(options: HttpTransportOptions): BlobTransport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sign = createRequestSigner(options);

  return {
    async fetchRange(sha256, start, end, signal): Promise<BlobRangeAnswer> {
      const baseUrl = centralBaseUrl(options);
      const path = blobPath(sha256);
      let response: Response;
      try {
        response = await doFetch(new URL(path, baseUrl), {
          headers: {
            ...versionHeaders(options),
            ...sign('GET', path, ''),
            range: `bytes=${start}-${end}`,
          },
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
