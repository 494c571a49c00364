import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEADERS, MAX_ATTACHMENT_BYTES, signingPayload } from '../protocol';
import { createBackoff } from './backoff';
import { createBlobQueue, type BlobQueueOptions, type BlobStorePort } from './blobs';
import { blobPath, createBlobHttpTransport } from './blobs-http';
import { generateDeviceKeys } from './keys';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const keys = generateDeviceKeys();
const devicePublicKey = createPublicKey({
  key: { kty: 'OKP', crv: 'Ed25519', x: keys.publicKey },
  format: 'jwk',
});

/**
 * The device's store as the port describes it, in memory: the SQLite implementation has its own
 * tests (electron/backend/sync/blobs.test.ts); here the queue's behaviour is under test.
 */
function memoryStore(announced: Map<string, number>) {
  const partial = new Map<string, Buffer[]>();
  const complete = new Map<string, Buffer>();
  const heldOf = (id: string) => (partial.get(id) ?? []).reduce((n, part) => n + part.length, 0);
  const port: BlobStorePort = {
    missingBlobs: (limit) =>
      [...announced]
        .filter(([id]) => !complete.has(id))
        .map(([id, size]) => ({ sha256: id, size, held: heldOf(id) }))
        .slice(0, limit),
    appendPartial(id, start, bytes) {
      if (start !== heldOf(id)) throw new Error(`${heldOf(id)} bytes held, refusing ${start}`);
      partial.set(id, [...(partial.get(id) ?? []), Buffer.from(bytes)]);
    },
    partialBytes: (id) => partial.get(id) ?? [],
    completeBlob(id, data) {
      complete.set(id, Buffer.from(data));
      partial.delete(id);
    },
    discardPartial: (id) => void partial.delete(id),
  };
  return { port, complete, heldOf };
}

/** What the test server does with one request for a range. */
type Behaviour =
  | { kind: 'serve' }
  /** Writes this share of the asked bytes, then cuts the connection. */
  | { kind: 'cut'; share: number }
  /** Writes this share of the asked bytes, then waits forever. */
  | { kind: 'stall'; share: number }
  | { kind: 'status'; status: number }
  | { kind: 'wrong_total' }
  | { kind: 'extra_bytes' };

interface SeenRequest {
  id: string;
  start: number;
  end: number;
  /** Bytes the server wrote before it finished or cut. */
  written: number;
}

/** A blob server on 127.0.0.1 answering signed ranged GETs like the central service. */
class BlobServer {
  readonly blobs = new Map<string, Buffer>();
  readonly seen: SeenRequest[] = [];
  behave: (request: SeenRequest, index: number) => Behaviour = () => ({ kind: 'serve' });
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;
  private server: Server = createServer((request, response) => void this.handle(request, response));
  url = '';

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const path = request.url ?? '';
      const signed = verify(
        null,
        Buffer.from(
          signingPayload({
            method: 'GET',
            path,
            deviceId: String(request.headers[HEADERS.device]),
            counter: Number(request.headers[HEADERS.counter]),
            bodySha256: String(request.headers[HEADERS.bodySha256]),
          }),
        ),
        devicePublicKey,
        Buffer.from(String(request.headers[HEADERS.signature]), 'base64url'),
      );
      const id = path.slice('/v1/blobs/'.length);
      const blob = this.blobs.get(id);
      const range = /^bytes=(\d+)-(\d+)$/.exec(String(request.headers.range));
      if (!signed || !blob || !range) {
        response.writeHead(signed ? 404 : 401).end();
        return;
      }
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), blob.length - 1);
      const seen: SeenRequest = { id, start, end, written: 0 };
      this.seen.push(seen);
      const behaviour = this.behave(seen, this.seen.length - 1);
      if (behaviour.kind === 'status') {
        response.writeHead(behaviour.status).end();
        return;
      }
      let bytes = blob.subarray(start, end + 1);
      let total = blob.length;
      if (behaviour.kind === 'wrong_total') total += 1;
      if (behaviour.kind === 'extra_bytes') bytes = Buffer.concat([bytes, Buffer.from('extra')]);
      response.writeHead(206, {
        'content-type': 'image/jpeg',
        'content-length': String(bytes.length),
        'content-range': `bytes ${start}-${end}/${total}`,
      });
      if (behaviour.kind === 'cut' || behaviour.kind === 'stall') {
        const part = bytes.subarray(0, Math.floor(bytes.length * behaviour.share));
        seen.written = part.length;
        await new Promise<void>((resolve) => response.write(part, () => resolve()));
        if (behaviour.kind === 'cut') response.socket?.destroy();
        return;
      }
      seen.written = bytes.length;
      response.end(bytes);
    } finally {
      this.inFlight -= 1;
    }
  }
}

let server: BlobServer;
let counter = 0;
beforeEach(async () => {
  server = new BlobServer();
  await server.start();
});
afterEach(() => server.close());

function queueFor(
  announced: Map<string, number>,
  options: Partial<BlobQueueOptions> & { enrolled?: boolean } = {},
  store = memoryStore(announced),
) {
  const transport = createBlobHttpTransport({
    baseUrl: server.url,
    appVersion: '1.0.0',
    schemaVersion: 5,
    credentials: () =>
      options.enrolled === false ? undefined : { deviceId: 'dev-1', privateKey: keys.privateKey },
    nextRequestCounter: () => ++counter,
    // Longer than any test: only stop() can end a stalled answer.
    timeoutMs: 60_000,
  });
  const queue = createBlobQueue({ store: store.port, transport, ...options });
  return { ...store, queue };
}

/** A blob served by the test server and announced by a message. */
function publish(bytes: Buffer, announced = new Map<string, number>()) {
  const id = sha256(bytes);
  server.blobs.set(id, bytes);
  announced.set(id, bytes.length);
  return { id, announced };
}

describe('the blob queue', () => {
  it('downloads with signed ranged requests of at most requestBytes and verifies the whole', async () => {
    const bytes = randomBytes(10_000);
    const { id, announced } = publish(bytes);
    const { queue, complete } = queueFor(announced, { requestBytes: 4096 });
    expect(await queue.drain()).toEqual({ completed: [id], failed: [] });
    expect(complete.get(id)?.equals(bytes)).toBe(true);
    expect(server.seen.map(({ start, end }) => [start, end])).toEqual([
      [0, 4095],
      [4096, 8191],
      [8192, 9999],
    ]);
    expect(server.seen.every((seen) => seen.id === id)).toBe(true);
    expect(blobPath(id)).toBe(`/v1/blobs/${id}`);
  });

  it('resumes from the bytes held however often the connection breaks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.double({ min: 0, max: 0.99, noNaN: true }), { maxLength: 6 }),
        fc.integer({ min: 4096, max: 70_000 }),
        fc.integer({ min: 1, max: 50_000 }),
        async (size, cuts, requestBytes, flushBytes) => {
          server.seen.length = 0;
          server.behave = (_seen, index) =>
            index < cuts.length ? { kind: 'cut', share: cuts[index]! } : { kind: 'serve' };
          const bytes = randomBytes(size);
          const { id, announced } = publish(bytes);
          const { queue, complete } = queueFor(announced, { requestBytes, flushBytes });
          for (let i = 0; i <= cuts.length && !complete.has(id); i += 1) await queue.drain();
          expect(complete.get(id)?.equals(bytes)).toBe(true);
          // Every request starts exactly after the bytes all earlier answers delivered.
          let delivered = 0;
          for (const seen of server.seen) {
            expect(seen.start).toBe(delivered);
            delivered += seen.written;
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);

  it('refuses bytes that do not hash to the id, keeps nothing, and fetches them again', async () => {
    const bytes = randomBytes(3000);
    const { id, announced } = publish(bytes);
    const rotten = Buffer.from(bytes);
    rotten[10] = rotten[10]! ^ 1;
    server.blobs.set(id, rotten);
    const { queue, complete, heldOf } = queueFor(announced);
    const refused = await queue.drain();
    expect(refused.failed).toMatchObject([{ sha256: id, error: { problem: 'transient' } }]);
    expect(refused.failed[0]!.error.message).toMatch(/do not hash/);
    expect(complete.size).toBe(0);
    expect(heldOf(id)).toBe(0);
    server.blobs.set(id, bytes);
    expect((await queue.drain()).completed).toEqual([id]);
    expect(complete.get(id)?.equals(bytes)).toBe(true);
  });

  it('a server that disagrees with the announced size, or sends more than asked, gets nothing stored', async () => {
    const bytes = randomBytes(5000);
    const { id, announced } = publish(bytes);
    const { queue, complete, heldOf } = queueFor(announced, { requestBytes: 2000 });
    server.behave = (_seen, index) => (index === 1 ? { kind: 'wrong_total' } : { kind: 'serve' });
    expect((await queue.drain()).failed[0]?.error.message).toMatch(/holds 5001 bytes/);
    // The first range arrived; the size disagreement then discarded it.
    expect(heldOf(id)).toBe(0);
    server.behave = () => ({ kind: 'extra_bytes' });
    expect((await queue.drain()).failed[0]?.error.message).toMatch(/more bytes than asked/);
    expect(heldOf(id)).toBeLessThanOrEqual(2000);
    expect(complete.size).toBe(0);
    server.behave = () => ({ kind: 'serve' });
    expect((await queue.drain()).completed).toEqual([id]);
    expect(complete.get(id)?.equals(bytes)).toBe(true);
  });

  it('reports typed problems: missing on the server, over the size limit, not enrolled', async () => {
    const announced = new Map([
      ['a'.repeat(64), 100],
      ['b'.repeat(64), MAX_ATTACHMENT_BYTES + 1],
    ]);
    const { queue } = queueFor(announced);
    const result = await queue.drain();
    expect(result.failed.map(({ sha256: id, error }) => [id[0], error.problem]).sort()).toEqual([
      ['a', 'transient'],
      ['b', 'too_large'],
    ]);
    // The oversized blob was never asked for.
    expect(server.seen.map((seen) => seen.id)).toEqual([]);
    const unenrolled = queueFor(new Map([['c'.repeat(64), 10]]), { enrolled: false });
    expect((await unenrolled.queue.drain()).failed[0]?.error.problem).toBe('not_enrolled');
  });

  it('downloads at most `concurrency` blobs at a time', async () => {
    const announced = new Map<string, number>();
    for (let i = 0; i < 6; i += 1) publish(randomBytes(1000 + i), announced);
    server.delayMs = 20;
    const { queue, complete } = queueFor(announced, { concurrency: 2 });
    queue.kick();
    const result = await queue.drain();
    expect(complete.size).toBe(6);
    expect(result.failed).toEqual([]);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.maxInFlight).toBeGreaterThan(0);
  });

  it('once started, retries a failed download on its own after the backoff', async () => {
    const bytes = randomBytes(2000);
    const { id, announced } = publish(bytes);
    server.behave = (_seen, index) =>
      index < 2 ? { kind: 'status', status: 503 } : { kind: 'serve' };
    const failures: string[] = [];
    const { queue, complete } = queueFor(announced, {
      backoff: () => createBackoff({ baseMs: 5, maxMs: 20 }),
      onFailure: (failed) => failures.push(failed),
    });
    queue.start();
    await vi.waitFor(() => expect(complete.has(id)).toBe(true), { timeout: 5_000 });
    expect(failures).toEqual([id, id]);
    await queue.stop();
  });

  it('stop cuts a running download, keeps its bytes, and the next run resumes after them', async () => {
    const bytes = randomBytes(100_000);
    const { id, announced } = publish(bytes);
    server.behave = (_seen, index) =>
      index === 0 ? { kind: 'stall', share: 0.5 } : { kind: 'serve' };
    const first = queueFor(announced, { flushBytes: 1000 });
    first.queue.kick();
    await vi.waitFor(() => expect(first.heldOf(id)).toBeGreaterThan(0), { timeout: 5_000 });
    await first.queue.stop();
    const held = first.heldOf(id);
    expect(held).toBeGreaterThan(0);
    expect(first.complete.size).toBe(0);
    // The app starts again over the same store.
    const second = queueFor(announced, {}, first);
    expect((await second.queue.drain()).completed).toEqual([id]);
    expect(second.complete.get(id)?.equals(bytes)).toBe(true);
    expect(server.seen.map((seen) => seen.start)).toEqual([0, held]);
  });
});
