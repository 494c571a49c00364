import { createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  HEADERS,
  PROTOCOL_VERSION,
  sessionKeyAgreement,
  sessionMacPayload,
  signingPayload,
  type EnrollResponse,
  type SessionResponse,
} from '../../protocol';

/**
 * A device for tests and benchmarks: generates its Ed25519 key pair, enrolls over real HTTP and
 * signs every request the way sync/client must (sync/protocol auth.ts), or MACs it under a
 * session it opened (sync/protocol session.ts).
 */

/** A session as the device holds it: the id, the agreed key and the last counter used. */
export interface TestSession {
  id: string;
  key: Uint8Array;
  counter: number;
}

const TEST_APP_VERSION = '1.0.0';

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
  session: TestSession | undefined;

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

  /** Opens a session with a signed request; on success `session` holds it. */
  async openSession(): Promise<HttpAnswer<SessionResponse>> {
    const agreement = await sessionKeyAgreement();
    const answer = await this.request<SessionResponse>('POST', '/v1/session', {
      publicKey: agreement.publicKey,
    });
    if (answer.status === 200) {
      const { sessionId } = answer.body;
      const key = await agreement.agree(answer.body.publicKey, sessionId, this.id);
      this.session = { id: sessionId, key, counter: 0 };
    }
    return answer;
  }

  /**
   * Headers of a session request (MAC instead of signature); `counter` overrides the session's
   * next counter, `session` another session than the device's own (stolen-session tests).
   */
  sessionHeaders(
    method: string,
    path: string,
    body: Buffer,
    options: { counter?: number; session?: TestSession; deviceId?: string } = {},
  ): Record<string, string> {
    const session = options.session ?? this.session;
    if (!session) throw new Error('open a session first');
    const counter = options.counter ?? (session.counter += 1);
    const deviceId = options.deviceId ?? this.id;
    const payload = sessionMacPayload({
      method,
      path,
      deviceId,
      sessionId: session.id,
      counter,
      bodySha256: createHash('sha256').update(body).digest('hex'),
    });
    return {
      ...versionHeaders(),
      [HEADERS.device]: deviceId,
      [HEADERS.session]: session.id,
      [HEADERS.counter]: String(counter),
      [HEADERS.mac]: createHmac('sha256', session.key).update(payload).digest('base64url'),
    };
  }

  /** A request MACed under the device's session (see `sessionHeaders` for the options). */
  async sessionRequest<T = unknown>(
    method: string,
    path: string,
    json?: unknown,
    options: Parameters<TestDevice['sessionHeaders']>[3] & {
      tamper?: (headers: Record<string, string>) => void;
    } = {},
  ): Promise<HttpAnswer<T>> {
    const body = Buffer.from(json === undefined ? '' : JSON.stringify(json));
    const headers = this.sessionHeaders(method, path, body, options);
    if (json !== undefined) headers['content-type'] = 'application/json';
    options.tamper?.(headers);
    return this.send<T>(method, path, headers, json === undefined ? undefined : body);
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
    return this.send<T>(method, path, headers, json === undefined ? undefined : body);
  }

  /** Sends exactly these headers and bytes (replays send recorded ones again). */
  async send<T = unknown>(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<HttpAnswer<T>> {
    const bytes = body === undefined ? undefined : new Uint8Array(body);
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: bytes });
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
