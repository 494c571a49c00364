import { createHash } from 'node:crypto';
import { assert, describe, expect, it } from 'vitest';
import { PullResponseSchema, PushResponseSchema, type ReviewItem } from '../protocol';
import { UPLOAD_QUOTA } from './attachments';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { jpegOf } from './testing/images';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * The review gate on both engines: a resident's devices receive an inbound message, its
 * attachments and its prepaid reply stamps only once it is released; a revoked release is
 * deleted from them; reviewers see every attachment; blobs are read only by whoever may read a
 * message holding them, and uploads are bound to a message, typed by content and under quota.
 */

/** A small JPEG whose bytes depend on `seed`. */
const jpeg = (seed: string) => Buffer.concat([jpegOf(32), Buffer.from(seed)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const photoRef = (bytes: Buffer) => ({
  sha256: sha(bytes),
  mime: 'image/jpeg',
  size: bytes.length,
  kind: 'photo',
});

const upload = (
  customer: TestCustomer,
  bytes: Buffer,
  messageId: string,
  mime = 'image/jpeg',
  sha256 = sha(bytes),
) => customer.upload(bytes, messageId, mime, sha256);

async function download(caller: TestCustomer | TestDevice, sha256: string) {
  const device = 'signedHeaders' in caller;
  const path = device ? `/v1/blobs/${sha256}` : `/v1/customer/blobs/${sha256}`;
  const headers = device
    ? caller.signedHeaders('GET', path, Buffer.alloc(0))
    : { authorization: `Bearer ${caller.token}` };
  return (await fetch(`${caller.baseUrl}${path}`, { headers })).status;
}

async function residentChanges(device: TestDevice, residentId: string) {
  const answer = await device.request('POST', '/v1/pull', {
    scopes: [{ scope: { kind: 'resident', id: residentId }, cursor: null }],
    limit: 500,
  });
  expect(answer.status).toBe(200);
  const [page] = PullResponseSchema.parse(answer.body).pages;
  assert.isDefined(page);
  return page.changes;
}

describe.each(STORAGE_KINDS)('the review gate on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  const staffClient = () => central.staff([{ role: 'reviewer', facilityId: central.facility.id }]);

  /** A customer with stamps, writing to a new resident, and the resident's kiosk. */
  async function family() {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    expect(
      (await customer.buyStamps(await central.cardToken(), residentId, 'bundle-20')).status,
    ).toBe(201);
    return { residentId, customer, kiosk: await central.device() };
  }

  async function sendWithPhoto(
    customer: TestCustomer,
    residentId: string,
    body: string,
    prepaidReplyStamps = 0,
  ) {
    const messageId = crypto.randomUUID();
    const photo = jpeg(messageId);
    expect((await upload(customer, photo, messageId)).status).toBe(200);
    const sent = await customer.call('POST', '/v1/customer/mail', {
      messageId,
      residentId,
      subject: 'Hello',
      body,
      attachments: [photoRef(photo)],
      prepaidReplyStamps,
    });
    expect(sent.status).toBe(201);
    return { messageId, photo };
  }

  const messageChange = (changes: Awaited<ReturnType<typeof residentChanges>>, id: string) =>
    changes.filter((change) => change.entity === 'message' && change.id === id);

  it('devices learn nothing of an inbound message, its photo or its reply stamps until release', async () => {
    const { residentId, customer, kiosk } = await family();
    const staff = await staffClient();
    const { messageId, photo } = await sendWithPhoto(customer, residentId, 'See you soon', 2);
    let changes = await residentChanges(kiosk, residentId);
    expect(messageChange(changes, messageId)).toEqual([]);
    expect(changes.find((c) => c.entity === 'contact')).toMatchObject({
      data: { prepaidReplyStamps: 0 },
    });
    expect(changes.filter((c) => c.entity === 'ledger_entry')).toEqual([]);
    expect(await download(kiosk, sha(photo))).toBe(404);
    // Behind the gate the message does not exist for the device, even by id.
    const read = await kiosk.request('POST', '/v1/push', {
      mutations: [
        {
          id: crypto.randomUUID(),
          seq: 1,
          createdAt: new Date().toISOString(),
          name: 'mail.markRead',
          args: { messageId, residentId, readAt: new Date().toISOString() },
        },
      ],
    });
    expect(PushResponseSchema.parse(read.body).results[0]?.outcome).toMatchObject({
      code: 'not_found',
    });

    // The reviewer sees the photo the decision is about, and the sender still sees their own.
    const queue = await staff.call<{ items: ReviewItem[] }>('GET', '/v1/staff/review');
    expect(queue.body.items[0]).toMatchObject({ messageId, attachments: [photoRef(photo)] });
    const seen = await fetch(
      `${central.baseUrl}/v1/staff/review/${messageId}/attachments/${sha(photo)}`,
      { headers: staff.headers() },
    );
    expect(seen.status).toBe(200);
    expect(Buffer.from(await seen.arrayBuffer()).equals(photo)).toBe(true);
    // A reviewer of another facility learns nothing, not even that the message exists.
    const elsewhere = await central.staff([{ role: 'reviewer', facilityId: 'fac-elsewhere' }]);
    const foreign = await fetch(
      `${central.baseUrl}/v1/staff/review/${messageId}/attachments/${sha(photo)}`,
      { headers: elsewhere.headers() },
    );
    expect(foreign.status).toBe(404);
    expect(await download(customer, sha(photo))).toBe(200);

    const approved = await staff.call('POST', `/v1/staff/review/${messageId}`, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    changes = await residentChanges(kiosk, residentId);
    expect(messageChange(changes, messageId)).toMatchObject([
      { op: 'upsert', data: { status: 'released', prepaidReplyStampsAttached: 2 } },
    ]);
    expect(changes.find((c) => c.entity === 'contact')).toMatchObject({
      data: { prepaidReplyStamps: 2 },
    });
    expect(await download(kiosk, sha(photo))).toBe(200);
  });

  it('a rejected message never reaches devices; a revoked release is deleted from them', async () => {
    const { residentId, customer, kiosk } = await family();
    const staff = await staffClient();
    const threat = await sendWithPhoto(customer, residentId, 'I will hurt you');
    const rejected = await staff.call('POST', `/v1/staff/review/${threat.messageId}`, {
      decision: 'reject',
      reason: 'threat',
    });
    expect(rejected.status).toBe(200);
    expect(messageChange(await residentChanges(kiosk, residentId), threat.messageId)).toEqual([]);
    expect(await download(kiosk, sha(threat.photo))).toBe(404);

    const later = await sendWithPhoto(customer, residentId, 'A message released too soon');
    await staff.call('POST', `/v1/staff/review/${later.messageId}`, { decision: 'approve' });
    expect(messageChange(await residentChanges(kiosk, residentId), later.messageId)).toMatchObject([
      { op: 'upsert' },
    ]);
    const revoke = { reason: 'security_risk', note: 'code words' };
    const revokePath = `/v1/staff/messages/${later.messageId}/revoke`;
    // Revoking a release is a supervisor's call, not a reviewer's.
    expect((await staff.call('POST', revokePath, revoke)).status).toBe(403);
    const supervisor = await central.staff([
      { role: 'supervisor', facilityId: central.facility.id },
    ]);
    const revoked = await supervisor.call<ReviewItem>('POST', revokePath, revoke);
    expect(revoked).toMatchObject({ status: 200, body: { status: 'rejected' } });
    expect(messageChange(await residentChanges(kiosk, residentId), later.messageId)).toMatchObject([
      { op: 'delete' },
    ]);
    expect(await download(kiosk, sha(later.photo))).toBe(404);
    const trail = await supervisor.call<{ entries: { action: string }[] }>(
      'GET',
      `/v1/staff/audit?subjectId=${later.messageId}`,
    );
    expect(trail.body.entries.map((entry) => entry.action)).toEqual([
      'review.approve',
      'review.revoke',
    ]);
  });

  it('a hash alone reads nothing and attaches nothing', async () => {
    const { residentId, customer } = await family();
    const { photo } = await sendWithPhoto(customer, residentId, 'Our photo');
    const strangerResident = await central.resident();
    const stranger = await new TestCustomer(central.baseUrl).register(strangerResident);
    await stranger.buyStamps(await central.cardToken(), strangerResident, 'bundle-20');
    expect(await download(stranger, sha(photo))).toBe(404);
    // Claiming the blob by its hash with other bytes fails; the stranger never holds it.
    const messageId = crypto.randomUUID();
    const forged = Buffer.alloc(photo.length, 1);
    expect((await upload(stranger, forged, messageId, 'image/jpeg', sha(photo))).status).toBe(422);
    const attach = await stranger.call('POST', '/v1/customer/mail', {
      messageId,
      residentId: strangerResident,
      body: 'look',
      attachments: [photoRef(photo)],
    });
    expect(attach).toMatchObject({ status: 422, body: { error: { code: 'attachment_missing' } } });
    expect(await download(stranger, sha(photo))).toBe(404);
    // With the real bytes the stranger proves possession and may send it (the refused message
    // id keeps its stored answer, so this is a new message).
    const second = crypto.randomUUID();
    expect((await upload(stranger, photo, second)).body).toMatchObject({ complete: true });
    const sent = await stranger.call('POST', '/v1/customer/mail', {
      messageId: second,
      residentId: strangerResident,
      body: 'look',
      attachments: [photoRef(photo)],
    });
    expect(sent.status).toBe(201);
  });

  it('uploads are typed by content, bound to one message and under quota', async () => {
    const { customer } = await family();
    const messageId = crypto.randomUUID();
    const text = Buffer.from('#!/bin/sh\necho not a picture\n');
    expect((await upload(customer, text, messageId, 'image/png')).status).toBe(422);
    const photo = jpeg('declared png');
    expect((await upload(customer, photo, messageId, 'image/png')).status).toBe(422);
    const unbound = await fetch(`${central.baseUrl}/v1/customer/blobs/${sha(photo)}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${customer.token}`,
        'content-type': 'image/jpeg',
        'content-range': `bytes 0-${photo.length - 1}/${photo.length}`,
      },
      body: new Uint8Array(photo),
    });
    expect(unbound.status).toBe(400);
    for (let i = 0; i < UPLOAD_QUOTA.blobs; i += 1) {
      expect((await upload(customer, jpeg(`quota ${i}`), messageId)).status).toBe(200);
    }
    const over = await upload(customer, jpeg('one too many'), messageId);
    expect(over).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});
