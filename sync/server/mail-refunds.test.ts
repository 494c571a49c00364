import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CustomerMessageStatusSchema,
  CustomerStampHistorySchema,
  PullResponseSchema,
  type Change,
} from '../protocol';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import type { TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { jpegOf } from './testing/images';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Refunds of rejected mail, per item, on both engines: whoever paid (customer or resident) gets
 * the stamps of each rejected item back once, when the decision is made; the central ledger,
 * the resident's devices (by pull) and the customer's history and message status agree.
 */

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const photo = (seed: string) => Buffer.concat([jpegOf(32), Buffer.from(seed)]);
const refOf = (bytes: Buffer) => ({
  sha256: sha(bytes),
  mime: 'image/jpeg' as const,
  size: bytes.length,
  kind: 'photo' as const,
});

describe.each(STORAGE_KINDS)('refunds of rejected mail on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  const reviewer = () => central.staff([{ role: 'reviewer', facilityId: central.facility.id }]);

  async function family(residentStamps = 0) {
    const residentId = await central.resident({}, { stamps: residentStamps });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const bought = await customer.buyStamps(await central.cardToken(), residentId, 'bundle-20');
    expect(bought.status).toBe(201);
    return { residentId, customer, kiosk: await central.device() };
  }

  async function customerStamps(customerId: string): Promise<number> {
    const row = await central.storage.get<{ stamps: number }>(
      'SELECT stamps FROM customer_stamps WHERE customer_id = ? AND agency = ?',
      [customerId, central.facility.state],
    );
    return Number(row?.stamps ?? 0);
  }

  async function residentStamps(residentId: string) {
    const own = await central.storage.get<{ stamps: number }>(
      "SELECT stamps FROM balances WHERE owner_type = 'resident' AND owner_id = ?",
      [residentId],
    );
    const prepaid = await central.storage.get<{ stamps: number }>(
      'SELECT stamps FROM reply_holdings WHERE resident_id = ?',
      [residentId],
    );
    return { own: Number(own?.stamps ?? 0), prepaid: Number(prepaid?.stamps ?? 0) };
  }

  /** A customer's message with `photos` photos (1 stamp each, 1 for the text). */
  async function customerMail(
    customer: TestCustomer,
    residentId: string,
    photos: number,
    prepaidReplyStamps = 0,
  ) {
    const messageId = crypto.randomUUID();
    const bytes = Array.from({ length: photos }, (_, i) => photo(`${messageId}-${i}`));
    for (const item of bytes) {
      expect((await customer.upload(item, messageId, 'image/jpeg')).status).toBe(200);
    }
    const sent = await customer.call('POST', '/v1/customer/mail', {
      messageId,
      residentId,
      subject: 'Hello',
      body: 'Photos from the garden',
      attachments: bytes.map(refOf),
      prepaidReplyStamps,
    });
    expect(sent.status).toBe(201);
    return { messageId, photos: bytes };
  }

  /** A resident's message with one photo, pushed by the kiosk (1 stamp text, 1 photo). */
  async function residentMail(
    kiosk: TestDevice,
    residentId: string,
    customerId: string,
    seq: number,
  ) {
    const messageId = crypto.randomUUID();
    const bytes = photo(messageId);
    const put = await kiosk.sendBytes(
      'PUT',
      `/v1/blobs/${sha(bytes)}?message=${messageId}`,
      bytes,
      {
        'content-type': 'image/jpeg',
        'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}`,
      },
    );
    expect(put.status).toBe(200);
    const pushed = await kiosk.request<{ results: { outcome: unknown }[] }>('POST', '/v1/push', {
      mutations: [
        {
          id: crypto.randomUUID(),
          seq,
          createdAt: '2026-01-01T00:00:00.000Z',
          name: 'mail.send',
          args: {
            messageId,
            residentId,
            customerId,
            kind: 'email',
            body: 'A drawing for you',
            attachments: [refOf(bytes)],
          },
        },
      ],
    });
    expect(pushed.body.results[0]?.outcome).toEqual({ status: 'applied' });
    return { messageId, photo: bytes };
  }

  async function pulled(device: TestDevice, residentId: string): Promise<Change[]> {
    const answer = await device.request('POST', '/v1/pull', {
      scopes: [{ scope: { kind: 'resident', id: residentId }, cursor: null }],
      limit: 500,
    });
    expect(answer.status).toBe(200);
    return PullResponseSchema.parse(answer.body).pages[0]!.changes;
  }

  const refundsIn = (changes: Change[], messageId: string) =>
    changes.flatMap((change) =>
      change.op === 'upsert' &&
      change.entity === 'ledger_entry' &&
      change.data.kind === 'mail_refund' &&
      change.data.reference.startsWith(`${messageId}:`)
        ? [{ account: change.data.account, amount: change.data.amount, ref: change.data.reference }]
        : [],
    );

  async function history(customer: TestCustomer) {
    const answer = await customer.call('GET', '/v1/customer/stamps/history');
    expect(answer.status).toBe(200);
    return CustomerStampHistorySchema.parse(answer.body).entries;
  }

  async function status(customer: TestCustomer, messageId: string) {
    const answer = await customer.call('GET', `/v1/customer/mail/${messageId}`);
    expect(answer.status).toBe(200);
    return CustomerMessageStatusSchema.parse(answer.body);
  }

  it("refunds a customer's whole rejected message once, prepaid reply stamps included", async () => {
    const { residentId, customer } = await family();
    const staff = await reviewer();
    const { messageId } = await customerMail(customer, residentId, 1, 2);
    expect(await customerStamps(customer.customerId)).toBe(20 - 2 - 2);

    const decision = { decision: 'reject', reason: 'contraband', note: 'a map' };
    const rejected = await staff.call('POST', `/v1/staff/review/${messageId}`, decision);
    expect(rejected).toMatchObject({ status: 200, body: { status: 'rejected' } });
    expect(await customerStamps(customer.customerId)).toBe(20);
    // A retried decision changes nothing and refunds nothing more.
    const again = await staff.call('POST', `/v1/staff/review/${messageId}`, decision);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(await customerStamps(customer.customerId)).toBe(20);

    const entries = await history(customer);
    expect(
      entries.filter((e) => e.kind === 'mail_refund').map((e) => [e.reference, e.amount]),
    ).toEqual(
      expect.arrayContaining([
        [`${messageId}:text`, 1],
        [`${messageId}:prepaid`, 2],
        [expect.stringMatching(new RegExp(`^${messageId}:[0-9a-f]{64}$`)), 1],
      ]),
    );
    expect(entries.filter((e) => e.kind === 'mail_refund')).toHaveLength(3);
    expect(await status(customer, messageId)).toMatchObject({
      status: 'rejected',
      rejectReason: 'contraband',
      stampsCharged: 2,
      refundedStamps: 4,
    });
    // The resident never paid and never saw it: nothing reaches their ledger.
    expect(await residentStamps(residentId)).toEqual({ own: 0, prepaid: 0 });
    const audit = await central.admin<{
      entries: { action: string; detail: { after: unknown } }[];
    }>('GET', `/v1/staff/audit?subjectId=${messageId}`);
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'review.reject',
      detail: { after: { refunded: { stamps: 4 } } },
    });
  });

  it('releases the text without a rejected photo, refunds that photo, and a revocation refunds only the rest', async () => {
    const { residentId, customer, kiosk } = await family();
    const staff = await reviewer();
    const { messageId, photos } = await customerMail(customer, residentId, 2, 1);
    const [kept, refused] = photos as [Buffer, Buffer];
    const decided = await staff.call('POST', `/v1/staff/review/${messageId}`, {
      decision: 'approve',
      attachments: [
        { sha256: sha(kept), decision: 'approve' },
        { sha256: sha(refused), decision: 'reject', reason: 'gang_sign' },
      ],
    });
    expect(decided).toMatchObject({ status: 200, body: { status: 'released' } });
    expect(await customerStamps(customer.customerId)).toBe(20 - 4 + 1);

    // The resident receives the text and the accepted photo only; the refused bytes stay out.
    const changes = await pulled(kiosk, residentId);
    const message = changes.find((c) => c.entity === 'message' && c.id === messageId);
    expect(message).toMatchObject({
      data: { attachments: [refOf(kept)], withheldAttachments: [], refundedStamps: 0 },
    });
    const blob = (hash: string) =>
      fetch(`${central.baseUrl}/v1/blobs/${hash}`, {
        headers: kiosk.signedHeaders('GET', `/v1/blobs/${hash}`, Buffer.alloc(0)),
      }).then((r) => r.status);
    expect(await blob(sha(kept))).toBe(200);
    expect(await blob(sha(refused))).toBe(404);
    // The customer sees what happened to each item.
    expect(await status(customer, messageId)).toMatchObject({
      status: 'released',
      attachments: [refOf(kept), refOf(refused)],
      withheldAttachments: [{ sha256: sha(refused), reason: 'gang_sign' }],
      refundedStamps: 1,
    });
    expect(await residentStamps(residentId)).toEqual({ own: 0, prepaid: 1 });

    // A supervisor revokes the release: the text and the kept photo are refunded, the refused
    // photo not again; the prepaid reply stamp already reached the resident and stays there.
    const supervisor = await central.staff([
      { role: 'supervisor', facilityId: central.facility.id },
    ]);
    const revoked = await supervisor.call('POST', `/v1/staff/messages/${messageId}/revoke`, {
      reason: 'threat',
    });
    expect(revoked.status).toBe(200);
    expect(await customerStamps(customer.customerId)).toBe(20 - 4 + 3);
    expect(await residentStamps(residentId)).toEqual({ own: 0, prepaid: 1 });
    expect(await status(customer, messageId)).toMatchObject({
      status: 'rejected',
      rejectReason: 'threat',
      refundedStamps: 3,
    });
    expect((await history(customer)).filter((e) => e.kind === 'mail_refund')).toHaveLength(3);
  });

  it("refunds a resident's rejected photo and message to the resident, own stamps first, and the device pulls it", async () => {
    const { residentId, customer, kiosk } = await family(3);
    const staff = await reviewer();
    // The customer gives one prepaid reply stamp; the resident's reply costs 2 (1 prepaid, 1 own).
    const gift = await customerMail(customer, residentId, 0, 1);
    await staff.call('POST', `/v1/staff/review/${gift.messageId}`, { decision: 'approve' });
    const first = await residentMail(kiosk, residentId, customer.customerId, 1);
    expect(await residentStamps(residentId)).toEqual({ own: 2, prepaid: 0 });

    const decided = await staff.call('POST', `/v1/staff/review/${first.messageId}`, {
      decision: 'approve',
      attachments: [{ sha256: sha(first.photo), decision: 'reject', reason: 'tattoo' }],
    });
    expect(decided.status).toBe(200);
    expect(await residentStamps(residentId)).toEqual({ own: 3, prepaid: 0 });
    // The customer, the recipient, gets the text but never the refused photo.
    const read = await customer.call('GET', `/v1/customer/blobs/${sha(first.photo)}`);
    expect(read.status).toBe(404);
    expect(await status(customer, first.messageId)).toMatchObject({
      attachments: [],
      withheldAttachments: [],
      refundedStamps: 0,
    });

    const second = await residentMail(kiosk, residentId, customer.customerId, 2);
    expect(await residentStamps(residentId)).toEqual({ own: 1, prepaid: 0 });
    const rejected = await staff.call('POST', `/v1/staff/review/${second.messageId}`, {
      decision: 'reject',
      reason: 'profanity',
    });
    expect(rejected.status).toBe(200);
    expect(await residentStamps(residentId)).toEqual({ own: 3, prepaid: 0 });

    // The device ledger agrees with the central one: each refund arrives by pull, once.
    const changes = await pulled(kiosk, residentId);
    expect(refundsIn(changes, first.messageId)).toEqual([
      { account: 'stamps', amount: 1, ref: `${first.messageId}:${sha(first.photo)}` },
    ]);
    expect(refundsIn(changes, second.messageId)).toEqual([
      { account: 'stamps', amount: 1, ref: `${second.messageId}:text` },
      { account: 'stamps', amount: 1, ref: `${second.messageId}:${sha(second.photo)}` },
    ]);
    const account = changes.findLast((c) => c.entity === 'account');
    expect(account).toMatchObject({ data: { stamps: 3 } });
    expect(changes.find((c) => c.entity === 'message' && c.id === first.messageId)).toMatchObject({
      data: {
        status: 'released',
        withheldAttachments: [{ sha256: sha(first.photo), reason: 'tattoo' }],
        refundedStamps: 1,
      },
    });
    expect(changes.find((c) => c.entity === 'message' && c.id === second.messageId)).toMatchObject({
      data: { status: 'rejected', rejectReason: 'profanity', refundedStamps: 2 },
    });
  });

  it('gives back own stamps first, then the prepaid reply stamps to their holding', async () => {
    const { residentId, customer, kiosk } = await family(1);
    const staff = await reviewer();
    const gift = await customerMail(customer, residentId, 0, 1);
    await staff.call('POST', `/v1/staff/review/${gift.messageId}`, { decision: 'approve' });
    // The reply costs 2: the prepaid stamp pays first, then the resident's own.
    const reply = await residentMail(kiosk, residentId, customer.customerId, 1);
    expect(await residentStamps(residentId)).toEqual({ own: 0, prepaid: 0 });
    await staff.call('POST', `/v1/staff/review/${reply.messageId}`, {
      decision: 'approve',
      attachments: [{ sha256: sha(reply.photo), decision: 'reject', reason: 'other' }],
    });
    expect(await residentStamps(residentId)).toEqual({ own: 1, prepaid: 0 });
    const supervisor = await central.staff([
      { role: 'supervisor', facilityId: central.facility.id },
    ]);
    const revoked = await supervisor.call('POST', `/v1/staff/messages/${reply.messageId}/revoke`, {
      reason: 'security_risk',
    });
    expect(revoked.status).toBe(200);
    expect(await residentStamps(residentId)).toEqual({ own: 1, prepaid: 1 });
    const changes = await pulled(kiosk, residentId);
    expect(refundsIn(changes, reply.messageId)).toEqual([
      { account: 'stamps', amount: 1, ref: `${reply.messageId}:${sha(reply.photo)}` },
      { account: 'reply_stamps', amount: 1, ref: `${reply.messageId}:text` },
    ]);
    expect(changes.findLast((c) => c.entity === 'contact')).toMatchObject({
      data: { prepaidReplyStamps: 1 },
    });
  });

  it('refuses other facilities, other roles, unknown attachments and concurrent double decisions', async () => {
    const { residentId, customer } = await family();
    const { messageId, photos } = await customerMail(customer, residentId, 1);
    const body = {
      decision: 'approve',
      attachments: [{ sha256: sha(photos[0]!), decision: 'reject', reason: 'nudity' }],
    };
    const elsewhere = await central.staff([{ role: 'reviewer', facilityId: 'fac-elsewhere' }]);
    expect((await elsewhere.call('POST', `/v1/staff/review/${messageId}`, body)).status).toBe(404);
    for (const role of ['agent', 'finance'] as const) {
      const other = await central.staff([{ role, facilityId: central.facility.id }]);
      expect((await other.call('POST', `/v1/staff/review/${messageId}`, body)).status).toBe(403);
    }
    const staff = await reviewer();
    const unknown = await staff.call('POST', `/v1/staff/review/${messageId}`, {
      decision: 'approve',
      attachments: [{ sha256: sha(Buffer.from('other')), decision: 'reject', reason: 'nudity' }],
    });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'invalid_args' } } });
    const unknownApproved = await staff.call('POST', `/v1/staff/review/${messageId}`, {
      decision: 'approve',
      attachments: [{ sha256: sha(Buffer.from('other')), decision: 'approve' }],
    });
    expect(unknownApproved).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_args' } },
    });
    for (const bad of [
      { decision: 'reject', reason: 'threat', attachments: body.attachments },
      { decision: 'approve', attachments: [{ sha256: sha(photos[0]!), decision: 'reject' }] },
      { decision: 'approve', attachments: [...body.attachments, ...body.attachments] },
    ]) {
      expect((await staff.call('POST', `/v1/staff/review/${messageId}`, bad)).status).toBe(400);
    }
    expect(await customerStamps(customer.customerId)).toBe(18);

    const both = await Promise.all([
      staff.call('POST', `/v1/staff/review/${messageId}`, body),
      staff.call('POST', `/v1/staff/review/${messageId}`, { decision: 'reject', reason: 'threat' }),
    ]);
    expect(both.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const won = both.find((answer) => answer.status === 200)!.body as { status: string };
    // The approval refunds the photo; the rejection the photo and the text. Never both.
    const refunded = won.status === 'released' ? 1 : 2;
    expect(await customerStamps(customer.customerId)).toBe(18 + refunded);
    const rows = await central.storage.all('SELECT * FROM mail_refunds WHERE message_id = ?', [
      messageId,
    ]);
    expect(rows).toHaveLength(refunded);
  });
});
