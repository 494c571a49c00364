import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../../electron/contract';
import { ProcessorSimulatorProcess } from '../../sync/server/money/processor-process';
import { TestCustomer } from '../../sync/server/testing/customer';
import { pngOf } from '../../sync/server/testing/images';
import { CentralFixture } from './support/central';
import { SyncedDevice } from './support/device';
import { startFaultProxy } from './support/fault-proxy';

/**
 * Attachment bytes reach the device: a customer's photo, uploaded through the customer API and
 * released by staff, is downloaded by the device's blob queue (ranged, resumable, verified).
 */
let central: CentralFixture;
let processor: ProcessorSimulatorProcess;

beforeAll(async () => {
  processor = await ProcessorSimulatorProcess.start();
});
afterAll(() => processor.stop());
beforeEach(async () => {
  central = await CentralFixture.start(undefined, { processor });
});
afterEach(() => central.stop());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A customer writes to the resident with `photo` attached; staff approve it. */
async function customerPhotoMail(residentId: string, photo: Buffer): Promise<string> {
  const customer = await new TestCustomer(central.url).register(residentId);
  expect((await customer.buyStamps(await processor.tokenize(), residentId)).status).toBe(201);
  const id = sha256(photo);
  const messageId = randomUUID();
  const upload = await customer.upload(photo, messageId, 'image/png');
  expect(upload.status).toBe(200);
  const sent = await customer.call('POST', '/v1/customer/mail', {
    messageId,
    residentId,
    subject: 'The garden',
    body: 'A photo of the garden for you.',
    attachments: [{ sha256: id, mime: 'image/png', size: photo.length, kind: 'photo' }],
  });
  expect(sent.status).toBe(201);
  const reviewer = await central.central.staff([
    { role: 'reviewer', facilityId: central.facilityId },
  ]);
  const review = await reviewer.call('POST', `/v1/staff/review/${messageId}`, {
    decision: 'approve',
  });
  expect(review.status).toBe(200);
  return messageId;
}

/** A new resident (document number `docNumber`) gets a released mail with a random photo. */
async function photoMailTo(docNumber: string, size: number) {
  const residentId = await central.central.resident({ docNumber });
  const photo = pngOf(size);
  return { photo, id: sha256(photo), messageId: await customerPhotoMail(residentId, photo) };
}

/** The attachment as the resident's screen sees it. */
async function attachmentOf(device: SyncedDevice, messageId: string): Promise<Attachment> {
  const detail = await device.call<{ attachments: Attachment[] }>('mail.read', { messageId });
  expect(detail.attachments).toHaveLength(1);
  return detail.attachments[0]!;
}

async function bytesOf(device: SyncedDevice, attachment: Attachment): Promise<Buffer> {
  const { dataBase64 } = await device.call<{ dataBase64: string }>('mail.attachment', {
    attachmentId: attachment.id,
  });
  return Buffer.from(dataBase64, 'base64');
}

const heldBytes = (device: SyncedDevice, id: string) =>
  device.store.db
    .prepare<[string], { held: number }>(
      'SELECT coalesce(sum(length(data)), 0) AS held FROM blob_download_parts WHERE content_hash = ?',
    )
    .get(id)!.held;

describe('attachment downloads', () => {
  it('a released customer photo reaches the device with the uploaded bytes, and screens hear of it', async () => {
    const { photo, messageId } = await photoMailTo('B800001', 700_000);
    const device = await SyncedDevice.enroll(central.url, await central.enrollment());
    try {
      await device.sync.syncNow();
      await device.sync.blobs.drain();
      await device.login('B800001');
      const attachment = await attachmentOf(device, messageId);
      expect(attachment).toMatchObject({ sha256: sha256(photo), available: true });
      expect((await bytesOf(device, attachment)).equals(photo)).toBe(true);
      expect(heldBytes(device, attachment.sha256)).toBe(0);
      const changed = device.events.filter((seen) => seen.event === 'mail.changed');
      // One for the pulled message, one more when its photo became available.
      expect(changed.length).toBeGreaterThanOrEqual(2);
      expect(changed.at(-1)?.payload).toEqual({ messageIds: [messageId] });
      // Nothing left to fetch: another drain asks for nothing.
      expect(await device.sync.blobs.drain()).toEqual({ completed: [], failed: [] });
    } finally {
      await device.close();
    }
  });

  it('a download broken halfway resumes from the bytes already held', async () => {
    const { photo, id, messageId } = await photoMailTo('B800002', 600_000);
    const proxy = await startFaultProxy(central.url);
    const device = await SyncedDevice.enroll(central.url, await central.enrollment(), {
      syncUrl: proxy.url,
    });
    // The bytes held when each blob request arrives = where it asks to start.
    const heldAtRequest: number[] = [];
    proxy.plan = ({ path }) => {
      if (path !== `/v1/blobs/${id}`) return { kind: 'pass' };
      heldAtRequest.push(heldBytes(device, id));
      return heldAtRequest.length <= 2 ? { kind: 'truncate_response' } : { kind: 'pass' };
    };
    try {
      await device.sync.syncNow();
      for (let i = 0; i < 5 && heldAtRequest.length < 3; i += 1) await device.sync.blobs.drain();
      expect(proxy.applied.truncate_response).toBe(2);
      expect(heldAtRequest).toHaveLength(3);
      // Each attempt started after the bytes the broken one delivered.
      expect(heldAtRequest[0]).toBe(0);
      expect(heldAtRequest[1]).toBeGreaterThan(0);
      expect(heldAtRequest[2]).toBeGreaterThan(heldAtRequest[1]!);
      expect(heldAtRequest[2]).toBeLessThan(photo.length);
      await device.login('B800002');
      const attachment = await attachmentOf(device, messageId);
      expect(attachment.available).toBe(true);
      expect((await bytesOf(device, attachment)).equals(photo)).toBe(true);
    } finally {
      await device.close();
      await proxy.close();
    }
  });

  it('a blob that does not hash to its id is refused, discarded and fetched again later', async () => {
    const { photo, id, messageId } = await photoMailTo('B800003', 200_000);
    // The server's copy rots: one byte flipped, same length.
    const rotten = Buffer.from(photo);
    rotten[123_456] = rotten[123_456]! ^ 0xff;
    await central.central.storage.run('UPDATE blob_chunks SET data = ? WHERE sha256 = ?', [
      rotten,
      id,
    ]);
    const device = await SyncedDevice.enroll(central.url, await central.enrollment());
    try {
      await device.sync.syncNow();
      const refused = await device.sync.blobs.drain();
      expect(refused.completed).toEqual([]);
      expect(refused.failed.map((failure) => failure.sha256)).toContain(id);
      expect(refused.failed[0]?.error.message).toMatch(/do not hash/);
      expect(heldBytes(device, id)).toBe(0);
      await device.login('B800003');
      const attachment = await attachmentOf(device, messageId);
      expect(attachment.available).toBe(false);
      const read = await device.window.invoke('mail.attachment', { attachmentId: attachment.id });
      expect(read).toMatchObject({ ok: false, error: { code: 'not_found' } });

      // Repaired on the server: the next attempt gets the true bytes.
      await central.central.storage.run('UPDATE blob_chunks SET data = ? WHERE sha256 = ?', [
        photo,
        id,
      ]);
      expect((await device.sync.blobs.drain()).completed).toEqual([id]);
      expect((await attachmentOf(device, messageId)).available).toBe(true);
      expect((await bytesOf(device, attachment)).equals(photo)).toBe(true);
    } finally {
      await device.close();
    }
  });
});
