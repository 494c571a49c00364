import { createHash, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import {
  DeviceInfoSchema,
  EnrollResponseSchema,
  ErrorBodySchema,
  EpochChangedSchema,
  HEADERS,
  KioskCardChargeResponseSchema,
  PROTOCOL_VERSION,
  PullResponseSchema,
  PushResponseSchema,
  SessionResponseSchema,
  signingPayload,
  type DeviceInfo,
  type EnrollRequest,
  type EnrollResponse,
  type KioskCardChargeRequest,
  type KioskCardChargeResponse,
  type PullRequest,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '../protocol';
import { SyncError } from './errors';
import { loadPrivateKey, signText } from './keys';
import type { DeviceCredentials } from './port';
import { createSessionClient } from './session';

/** The central service's device routes. */
export const ROUTES = {
  enroll: '/v1/enroll',
  device: '/v1/device',
  push: '/v1/push',
  pull: '/v1/pull',
  session: '/v1/session',
  cardPayments: '/v1/card-payments',
} as const;

/** How the client reaches the central service; the sync engine only sees this. */
export interface SyncTransport {
  push(request: PushRequest): Promise<PushResponse>;
  pull(request: PullRequest): Promise<PullResponse>;
  deviceInfo(): Promise<DeviceInfo>;
  /** A kiosk's card payment, captured by the processor through the service (needs the network). */
  chargeCard(request: KioskCardChargeRequest): Promise<KioskCardChargeResponse>;
}

export interface HttpTransportOptions {
  /** e.g. http://127.0.0.1:8080; a function is asked at each request (known after enrollment). */
  baseUrl: string | (() => string | undefined);
  /** Semantic version of the app, sent with every request. */
  appVersion: string;
  /** The local store's schema version, sent with every request. */
  schemaVersion: number;
  /** What requests are signed with (the pinned service key is the pull verifier's). */
  credentials(): Pick<DeviceCredentials, 'deviceId' | 'privateKey'> | undefined;
  nextRequestCounter(): number;
  /** Per request; a hung server must not hang the sync loop. */
  timeoutMs?: number;
  /**
   * Open a session and MAC requests under it (session.ts) instead of signing each one; on by
   * default. Off: every request is signed (what a protocol 1 device does).
   */
  sessions?: boolean;
  /** Monotonic milliseconds for session renewal (performance.now by default). */
  now?: () => number;
  fetch?: typeof fetch;
  /**
   * Lab override set by facility IT (and logged by whoever sets it): accept a plain http://
   * central service on another machine. Without it only https://, or http:// on loopback.
   */
  allowInsecureHttp?: boolean;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Refuses a central URL anyone on the path could read and rewrite: http:// is accepted only on
 * this machine (tests, the demo) or under the explicit lab override.
 */
export function checkCentralUrl(baseUrl: string, allowInsecureHttp = false): void {
  const url = new URL(baseUrl);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.test(url.hostname) || allowInsecureHttp)) return;
  throw new SyncError(
    'insecure_url',
    `refusing ${url.protocol}//${url.host}: the central service must be https:// (plain http:// only on loopback or with the lab override)`,
  );
}

/** The central service's address for this request, checked; `not_enrolled` while unknown. */
export function centralBaseUrl(
  options: Pick<HttpTransportOptions, 'baseUrl' | 'allowInsecureHttp'>,
): string {
  const baseUrl = typeof options.baseUrl === 'function' ? options.baseUrl() : options.baseUrl;
  if (!baseUrl) throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
  checkCentralUrl(baseUrl, options.allowInsecureHttp);
  return baseUrl;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The protocol's version headers, sent with every request. */
export function versionHeaders(
  options: Pick<HttpTransportOptions, 'appVersion' | 'schemaVersion'>,
): Record<string, string> {
  return {
    [HEADERS.protocol]: String(PROTOCOL_VERSION),
    [HEADERS.app]: options.appVersion,
    [HEADERS.schema]: String(options.schemaVersion),
  };
}

/**
 * Signs device requests: the headers that prove this device sent exactly this request (Ed25519
 * over method, path, device, a fresh counter and the body's hash). Throws `not_enrolled` before
 * enrollment. Every transport of the device signs through this one function.
 */
export function createRequestSigner(
  options: Pick<HttpTransportOptions, 'credentials' | 'nextRequestCounter'>,
): (method: 'GET' | 'POST', path: string, body: string) => Record<string, string> {
  let cachedKey: { source: string; key: KeyObject } | undefined;
  return (method, path, body) => {
    const credentials = options.credentials();
    if (!credentials) throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
    if (cachedKey?.source !== credentials.privateKey)
      cachedKey = { source: credentials.privateKey, key: loadPrivateKey(credentials.privateKey) };
    const bodySha256 = sha256Hex(body);
    const counter = options.nextRequestCounter();
    const payload = { method, path, deviceId: credentials.deviceId, counter, bodySha256 };
    return {
      [HEADERS.device]: credentials.deviceId,
      [HEADERS.counter]: String(counter),
      [HEADERS.signature]: signText(cachedKey.key, signingPayload(payload)),
      [HEADERS.bodySha256]: bodySha256,
    };
  };
}

/**
 * Authenticated HTTP requests to the central service, answers validated against the protocol:
 * MACed under a session (opened by one signed request), or each signed when sessions are off.
 */
export function createHttpTransport(options: HttpTransportOptions): SyncTransport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sign = createRequestSigner(options);
  const sessions =
    options.sessions === false
      ? undefined
      : createSessionClient({
          open: (publicKey) =>
            send('POST', ROUTES.session, { publicKey }, SessionResponseSchema, sign),
          now: options.now,
        });

  function send<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
    authenticate: (method: 'GET' | 'POST', path: string, text: string) => Record<string, string>,
  ): Promise<z.output<S>> {
    const baseUrl = centralBaseUrl(options);
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = authenticate(method, path, text);
    return request(
      doFetch,
      { ...options, baseUrl },
      method,
      path,
      text,
      schema,
      timeoutMs,
      headers,
    );
  }

  async function authenticated<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>> {
    if (!sessions) return send(method, path, body, schema, sign);
    const credentials = options.credentials();
    if (!credentials) throw new SyncError('not_enrolled', 'This device is not enrolled yet.');
    const text = body === undefined ? '' : JSON.stringify(body);
    const bodySha256 = sha256Hex(text);
    for (let attempt = 1; ; attempt += 1) {
      const proof = await sessions.headers(credentials.deviceId, method, path, bodySha256);
      try {
        return await send(method, path, body, schema, () => proof.headers);
      } catch (error) {
        // Refused before the service did anything: safe to send again under a new session.
        const expired = error instanceof SyncError && error.refusal?.code === 'session_expired';
        if (!expired || attempt === 2) throw error;
        sessions.forget(proof.sessionId);
      }
    }
  }

  return {
    push: (body) => authenticated('POST', ROUTES.push, body, PushResponseSchema),
    pull: (body) => authenticated('POST', ROUTES.pull, body, PullResponseSchema),
    deviceInfo: () => authenticated('GET', ROUTES.device, undefined, DeviceInfoSchema),
    chargeCard: (body) =>
      authenticated('POST', ROUTES.cardPayments, body, KioskCardChargeResponseSchema),
  };
}

/** Trades a one-time enrollment code and the device's public key for an identity. */
export async function enrollDevice(
  options: Pick<
    HttpTransportOptions,
    'appVersion' | 'schemaVersion' | 'timeoutMs' | 'fetch' | 'allowInsecureHttp'
  > & {
    baseUrl: string;
  },
  body: EnrollRequest,
): Promise<EnrollResponse> {
  checkCentralUrl(options.baseUrl, options.allowInsecureHttp);
  return request(
    options.fetch ?? fetch,
    options,
    'POST',
    ROUTES.enroll,
    JSON.stringify(body),
    EnrollResponseSchema,
    options.timeoutMs ?? 30_000,
    {},
  );
}

async function request<S extends z.ZodType>(
  doFetch: typeof fetch,
  options: Pick<HttpTransportOptions, 'appVersion' | 'schemaVersion'> & { baseUrl: string },
  method: 'GET' | 'POST',
  path: string,
  text: string,
  schema: S,
  timeoutMs: number,
  extraHeaders: Record<string, string>,
): Promise<z.output<S>> {
  const headers: Record<string, string> = { ...versionHeaders(options), ...extraHeaders };
  if (method === 'POST') headers['content-type'] = 'application/json';
  let response: Response;
  let answer: string;
  try {
    response = await doFetch(new URL(path, options.baseUrl), {
      method,
      headers,
      body: method === 'POST' ? text : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    answer = await response.text();
  } catch (error) {
    // Refused, reset, timed out or cut off mid-body: the server may or may not have acted; the
    // protocol is idempotent, so the retry is safe either way.
    throw new SyncError('offline', `${method} ${path}: ${describe(error)}`);
  }
  if (!response.ok) throw errorFor(response.status, method, path, answer);
  let json: unknown;
  try {
    json = JSON.parse(answer);
  } catch {
    throw new SyncError('transient', `${method} ${path}: the answer is not JSON (truncated?)`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new SyncError(
      'transient',
      `${method} ${path}: unexpected answer: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

function errorFor(status: number, method: string, path: string, answer: string): SyncError {
  let body: unknown;
  try {
    body = JSON.parse(answer);
  } catch {
    body = undefined;
  }
  const error = ErrorBodySchema.safeParse(body);
  const code = error.success ? error.data.error.code : undefined;
  const refusal = error.success
    ? { code: error.data.error.code, declineCode: error.data.error.declineCode }
    : undefined;
  const message = `${method} ${path}: HTTP ${status}${error.success ? ` ${code}: ${error.data.error.message}` : ''}`;
  const epoch = EpochChangedSchema.safeParse(body);
  if (epoch.success) return new SyncError('epoch_changed', message, epoch.data.error.epoch);
  if (status === 426 || code === 'upgrade_required')
    return new SyncError('upgrade_required', message);
  if (code === 'device_revoked') return new SyncError('device_revoked', message);
  // A replayed counter is a race between two requests of ours: a fresh counter fixes it.
  if (code === 'replayed') return new SyncError('transient', message);
  // The service restarted or the session ran out: the transport opens another and retries.
  if (code === 'session_expired') return new SyncError('transient', message, undefined, refusal);
  if (status === 401 || status === 403) return new SyncError('unauthorized', message);
  if (status === 413) return new SyncError('too_large', message);
  if (status === 408 || status === 429 || status >= 500)
    return new SyncError('transient', message, undefined, refusal);
  if (!error.success) {
    // Not the service's error shape (e.g. a proxy's page): treat like a broken answer.
    return new SyncError('transient', message);
  }
  return new SyncError('rejected_request', message, undefined, refusal);
}

/** The error, or what caused it (undici's "fetch failed" hides the reset or refusal). */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
