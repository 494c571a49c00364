import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { HEADERS, PROTOCOL_VERSION, signingPayload, type EnrollResponse } from '../../protocol';

/**
 * A device for tests and benchmarks: generates its Ed25519 key pair, enrolls over real HTTP and
 * signs every request the way sync/client must (sync/protocol auth.ts).
 */

export const TEST_APP_VERSION = '1.0.0';

export function versionHeaders(appVersion = TEST_APP_VERSION): Record<string, string> {
  return {
    [HEADERS.protocol]: String(PROTOCOL_VERSION),
    [HEADERS.app]: appVersion,
    [HEADERS.schema]: '1',
  };
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

export class TestDevice {
  readonly privateKey: KeyObject;
  readonly publicKey: string;
  counter = 0;
  identity: EnrollResponse | undefined;

  constructor(readonly baseUrl: string) {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    this.publicKey = String(jwk.x);
  }

  get id(): string {
    if (!this.identity) throw new Error('device not enrolled');
    return this.identity.deviceId;
  }

  /** Enrolls with a code; a tablet gives its serial. */
  async enroll(code: string, serial?: string): Promise<HttpAnswer<EnrollResponse>> {
    const response = await fetch(`${this.baseUrl}/v1/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...versionHeaders() },
      body: JSON.stringify({
        code,
        publicKey: this.publicKey,
        appVersion: TEST_APP_VERSION,
        serial,
      }),
    });
    const body = (await response.json()) as EnrollResponse;
    if (response.status === 201) this.identity = body;
    return { status: response.status, body };
  }

  /** Headers of a signed request; `counter` overrides the next counter (for replay tests). */
  signedHeaders(
    method: string,
    path: string,
    body: Buffer,
    counter?: number,
  ): Record<string, string> {
    const used = counter ?? (this.counter += 1);
    const payload = signingPayload({
      method,
      path,
      deviceId: this.id,
      counter: used,
      bodySha256: createHash('sha256').update(body).digest('hex'),
    });
    return {
      ...versionHeaders(),
      [HEADERS.device]: this.id,
      [HEADERS.counter]: String(used),
      [HEADERS.signature]: sign(null, Buffer.from(payload), this.privateKey).toString('base64url'),
    };
  }

  /** A signed request with a binary body (attachment chunks). */
  async sendBytes<T = unknown>(
    method: string,
    path: string,
    bytes: Buffer,
    headers: Record<string, string>,
  ): Promise<HttpAnswer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...this.signedHeaders(method, path, bytes), ...headers },
      body: new Uint8Array(bytes),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async request<T = unknown>(
    method: string,
    path: string,
    json?: unknown,
    options: { counter?: number; tamper?: (headers: Record<string, string>) => void } = {},
  ): Promise<HttpAnswer<T>> {
    const body = Buffer.from(json === undefined ? '' : JSON.stringify(json));
    const headers = this.signedHeaders(method, path, body, options.counter);
    if (json !== undefined) headers['content-type'] = 'application/json';
    options.tamper?.(headers);
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: json === undefined ? undefined : body,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

/** A kiosk's push of a support ticket and a tablet release request for one resident. */
export function ticketAndReleaseBatch(residentId: string, ticketId: string, requestId: string) {
  const createdAt = '2026-03-01T00:00:00.000Z';
  return {
    mutations: [
      {
        id: crypto.randomUUID(),
        seq: 1,
        createdAt,
        name: 'ticket.file',
        args: {
          ticketId,
          residentId,
          tabletSerial: 'TAB-9',
          category: 'charging',
          description: 'Does not charge',
        },
      },
      {
        id: crypto.randomUUID(),
        seq: 2,
        createdAt,
        name: 'release.request',
        args: {
          requestId,
          residentId,
          tabletSerial: 'TAB-9',
          firstName: 'Ana',
          lastName: 'Lopez',
          phone: '+1 850 555 0100',
          returnAddress: '1 Main St, Tallahassee FL',
        },
      },
    ],
  };
}
