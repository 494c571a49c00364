import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { jpegOf } from './testing/images';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const range = (start: number, length: number, total: number) =>
  `bytes ${start}-${start + length - 1}/${total}`;

describe.each(STORAGE_KINDS)('attachments on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started));

  it('uploads in resumable chunks, verifies the hash, serves ranges, and a photo costs its stamps', async () => {
    const device = await central.device();
    const photo = jpegOf(300_000);
    const id = sha(photo);
    // The upload belongs to the message being composed.
    const messageId = crypto.randomUUID();
    const put = (start: number, length: number) =>
      device.sendBytes<{ received: number; complete: boolean }>(
        'PUT',
        `/v1/blobs/${id}?message=${messageId}`,
        photo.subarray(start, start + length),
        {
          'content-type': 'image/jpeg',
          'content-range': range(start, length, photo.length),
        },
      );
    expect((await put(0, 100_000)).body).toMatchObject({ received: 100_000, complete: false });
    // The answer was "lost": the same chunk again changes nothing.
    expect((await put(0, 100_000)).body).toMatchObject({ received: 100_000 });
    const gap = await put(200_000, 100_000);
    expect(gap).toMatchObject({
      status: 416,
      body: { error: { code: 'range_not_satisfiable', received: 100_000 } },
    });
    const status = await device.request<{ received: number }>(
      'GET',
      `/v1/blobs/${id}/status?message=${messageId}`,
    );
    expect(status.body.received).toBe(100_000);
    expect((await put(100_000, 200_000)).body).toMatchObject({ received: 300_000, complete: true });

    const residentId = await central.resident({}, { stamps: 2 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const mailWith = (
      seq: number,
      attachment: Record<string, unknown>,
      id = crypto.randomUUID(),
    ) => ({
      id: crypto.randomUUID(),
      seq,
      createdAt: '2026-01-01T00:00:00.000Z',
      name: 'mail.send',
      args: {
        messageId: id,
        residentId,
        customerId: customer.customerId,
        kind: 'email',
        body: 'A photo of the garden',
        attachments: [attachment],
      },
    });
    const pushed = await device.request<{ results: { outcome: unknown }[] }>('POST', '/v1/push', {
      mutations: [
        mailWith(
          1,
          { sha256: id, mime: 'image/jpeg', size: photo.length, kind: 'photo' },
          messageId,
        ),
        mailWith(2, {
          sha256: sha(Buffer.from('never uploaded')),
          mime: 'image/png',
          size: 14,
          kind: 'photo',
        }),
      ],
    });
    expect(pushed.body.results.map((r) => r.outcome)).toEqual([
      { status: 'applied' },
      expect.objectContaining({ status: 'rejected', code: 'attachment_missing' }),
    ]);
    const stamps = await central.storage.get<{ stamps: number }>(
      'SELECT stamps FROM balances WHERE owner_id = ?',
      [residentId],
    );
    expect(Number(stamps?.stamps)).toBe(0);

    // The sender's device reads its message's photo, whole and by range.
    const whole = await fetch(`${central.baseUrl}/v1/blobs/${id}`, {
      headers: device.signedHeaders('GET', `/v1/blobs/${id}`, Buffer.alloc(0)),
    });
    expect(whole.headers.get('content-type')).toBe('image/jpeg');
    expect(sha(Buffer.from(await whole.arrayBuffer()))).toBe(id);
    const part = await fetch(`${central.baseUrl}/v1/blobs/${id}`, {
      headers: {
        ...device.signedHeaders('GET', `/v1/blobs/${id}`, Buffer.alloc(0)),
        range: 'bytes=10-19',
      },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(photo.subarray(10, 20));
  });

  it('refuses wrong hashes, types and sizes, keeping nothing', async () => {
    const device = await central.device();
    const bytes = randomBytes(1000);
    const wrongId = sha(Buffer.from('something else'));
    const message = `?message=${crypto.randomUUID()}`;
    const mismatch = await device.sendBytes('PUT', `/v1/blobs/${wrongId}${message}`, bytes, {
      'content-type': 'image/png',
      'content-range': range(0, 1000, 1000),
    });
    expect(mismatch).toMatchObject({ status: 422, body: { error: { code: 'hash_mismatch' } } });
    expect((await device.request('GET', `/v1/blobs/${wrongId}/status${message}`)).status).toBe(404);
    const exe = await device.sendBytes('PUT', `/v1/blobs/${sha(bytes)}${message}`, bytes, {
      'content-type': 'application/octet-stream',
      'content-range': range(0, 1000, 1000),
    });
    expect(exe.status).toBe(415);
    const huge = await device.sendBytes('PUT', `/v1/blobs/${sha(bytes)}${message}`, bytes, {
      'content-type': 'video/mp4',
      'content-range': range(0, 1000, 10 ** 10),
    });
    expect(huge.status).toBe(413);
    const badRange = await device.sendBytes('PUT', `/v1/blobs/${sha(bytes)}${message}`, bytes, {
      'content-type': 'image/png',
      'content-range': 'bytes 0-5/1000',
    });
    expect(badRange.status).toBe(400);
    const anonymous = await fetch(`${central.baseUrl}/v1/blobs/${sha(bytes)}${message}`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: bytes,
    });
    expect(anonymous.status).toBe(401);
    const rows = await central.storage.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs');
    expect(Number(rows?.n)).toBe(0);
  });
});
