import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, PROTOCOL_VERSION, PushResponseSchema, signingPayload } from '../protocol';
import { SyncError, type SyncProblem } from './errors';
import { checkCentralUrl, createHttpTransport, enrollDevice, ROUTES } from './http';
import { generateDeviceKeys } from './keys';

/**
 * The transport against a real HTTP server on 127.0.0.1 that answers whatever the test sets:
 * this checks the bytes the client signs and how each kind of answer is classified.
 */
interface Seen {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let reply: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const keys = generateDeviceKeys();
let counter = 41;
const transport = () =>
  createHttpTransport({
    baseUrl,
    appVersion: '1.2.3',
    schemaVersion: 7,
    credentials: () => ({ deviceId: 'dev-1', privateKey: keys.privateKey }),
    nextRequestCounter: () => ++counter,
    timeoutMs: 2_000,
    // The signed form, byte for byte; sessions are tested against the real service
    // (tests/integration/device-sessions.test.ts).
    sessions: false,
  });

const mutation = {
  id: '6f1c1d53-4a39-4c3c-9a64-1d1b1f1f2a10',
  seq: 1,
  name: 'mail.markRead',
  args: { x: 'ñ ✓' },
  createdAt: '2026-01-01T00:00:00.000Z',
};
const pushAnswer = {
  results: [{ id: mutation.id, seq: 1, status: 'applied', outcome: { status: 'applied' } }],
  highWaterMark: 1,
};

async function problemOf(promise: Promise<unknown>): Promise<SyncProblem> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SyncError);
  return (error as SyncError).problem;
}

describe('createHttpTransport', () => {
  it('signs method, path, device, counter and body hash with the enrolled key', async () => {
    seen = [];
    reply = { status: 200, body: JSON.stringify(pushAnswer) };
    const answer = await transport().push({ mutations: [mutation] });
    expect(answer.highWaterMark).toBe(1);

    const [request] = seen;
    expect(request!.path).toBe(ROUTES.push);
    expect(request!.headers[HEADERS.protocol]).toBe(String(PROTOCOL_VERSION));
    expect(request!.headers[HEADERS.app]).toBe('1.2.3');
    expect(request!.headers[HEADERS.schema]).toBe('7');
    const bodySha256 = createHash('sha256').update(request!.body).digest('hex');
    expect(request!.headers[HEADERS.bodySha256]).toBe(bodySha256);
    const payload = signingPayload({
      method: 'POST',
      path: ROUTES.push,
      deviceId: 'dev-1',
      counter: Number(request!.headers[HEADERS.counter]),
      bodySha256,
    });
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: keys.publicKey },
      format: 'jwk',
    });
    const signature = Buffer.from(String(request!.headers[HEADERS.signature]), 'base64url');
    expect(verify(null, Buffer.from(payload), publicKey, signature)).toBe(true);
  });

  it('uses a new counter for every request', async () => {
    seen = [];
    reply = { status: 200, body: JSON.stringify(pushAnswer) };
    await transport().push({ mutations: [mutation] });
    await transport().push({ mutations: [mutation] });
    const counters = seen.map((request) => Number(request.headers[HEADERS.counter]));
    expect(counters[1]).toBeGreaterThan(counters[0]!);
  });

  it.each([
    [
      426,
      {
        error: { code: 'upgrade_required', message: 'old', minProtocol: 2, minAppVersion: '2.0.0' },
      },
      'upgrade_required',
    ],
    [409, { error: { code: 'epoch_changed', message: 'restored', epoch: 'e2' } }, 'epoch_changed'],
    [401, { error: { code: 'unauthorized', message: 'bad signature' } }, 'unauthorized'],
    [403, { error: { code: 'device_revoked', message: 'revoked' } }, 'device_revoked'],
    [409, { error: { code: 'replayed', message: 'counter seen' } }, 'transient'],
    [413, { error: { code: 'payload_too_large', message: 'big' } }, 'too_large'],
    [503, { error: { code: 'internal', message: 'busy' } }, 'transient'],
    [400, { error: { code: 'bad_request', message: 'no' } }, 'rejected_request'],
    [502, '<html>bad gateway</html>', 'transient'],
    [200, '{"results": [', 'transient'],
    [200, { results: 'nope' }, 'transient'],
  ] as const)('classifies HTTP %i %j as %s', async (status, body, problem) => {
    reply = { status, body: typeof body === 'string' ? body : JSON.stringify(body) };
    expect(await problemOf(transport().push({ mutations: [mutation] }))).toBe(problem);
  });

  it('carries the new epoch of an epoch_changed answer', async () => {
    reply = {
      status: 409,
      body: JSON.stringify({ error: { code: 'epoch_changed', message: 'x', epoch: 'e9' } }),
    };
    const error = await transport()
      .pull({ scopes: [{ scope: { kind: 'device', id: 'dev-1' }, cursor: null }] })
      .catch((caught: unknown) => caught);
    expect((error as SyncError).epoch).toBe('e9');
  });

  it('reports a refused connection as offline, and an unenrolled device before any request', async () => {
    const closed = createHttpTransport({
      baseUrl: 'http://127.0.0.1:1',
      appVersion: '1.2.3',
      schemaVersion: 7,
      credentials: () => ({ deviceId: 'dev-1', privateKey: keys.privateKey }),
      nextRequestCounter: () => 1,
    });
    expect(await problemOf(closed.deviceInfo())).toBe('offline');
    const unenrolled = createHttpTransport({
      baseUrl,
      appVersion: '1.2.3',
      schemaVersion: 7,
      credentials: () => undefined,
      nextRequestCounter: () => 1,
    });
    seen = [];
    expect(await problemOf(unenrolled.deviceInfo())).toBe('not_enrolled');
    expect(seen).toEqual([]);
  });

  it('refuses plain http:// off this machine before sending anything, unless the lab override', async () => {
    const lab = 'http://central.lab.example:8080';
    // The lab host is routed to the test server, so nothing leaves this machine.
    const toTestServer: typeof fetch = (url, init) =>
      fetch(new URL(new URL(String(url)).pathname, baseUrl), init);
    const over = (allowInsecureHttp: boolean) =>
      createHttpTransport({
        baseUrl: lab,
        appVersion: '1.2.3',
        schemaVersion: 7,
        credentials: () => ({ deviceId: 'dev-1', privateKey: keys.privateKey }),
        nextRequestCounter: () => ++counter,
        fetch: toTestServer,
        allowInsecureHttp,
      });
    seen = [];
    expect(await problemOf(over(false).deviceInfo())).toBe('insecure_url');
    const enrollment = { code: 'ABCDEFGHJKMN', publicKey: keys.publicKey, appVersion: '1.2.3' };
    const enrollOptions = {
      baseUrl: lab,
      appVersion: '1.2.3',
      schemaVersion: 7,
      fetch: toTestServer,
    };
    expect(await problemOf(enrollDevice(enrollOptions, enrollment))).toBe('insecure_url');
    expect(seen).toEqual([]);
    reply = { status: 500, body: '{}' };
    expect(await problemOf(over(true).deviceInfo())).toBe('transient');
    expect(seen).toHaveLength(1);
    for (const url of [
      'https://central.example',
      'http://localhost:9',
      'http://127.0.0.2',
      'http://[::1]:80',
    ])
      expect(() => checkCentralUrl(url)).not.toThrow();
    for (const url of ['http://10.0.0.5', 'http://127.0.0.1.evil.example', 'ftp://central.example'])
      expect(() => checkCentralUrl(url)).toThrow(
        expect.objectContaining({ problem: 'insecure_url' }),
      );
  });

  it('answers anything the network delivers with a valid response or a typed SyncError', async () => {
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constant(JSON.stringify(pushAnswer)),
      fc
        .record({ error: fc.record({ code: fc.string(), message: fc.string() }) })
        .map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 599 }), body, async (status, text) => {
        reply = { status, body: text };
        const outcome = await transport()
          .push({ mutations: [mutation] })
          .then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
        if ('value' in outcome)
          expect(PushResponseSchema.safeParse(outcome.value).success).toBe(true);
        else expect(outcome.error).toBeInstanceOf(SyncError);
      }),
      { numRuns: 150 },
    );
  });
});
