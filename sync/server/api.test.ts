import { assert, beforeEach, describe, expect, it } from 'vitest';
import { PullResponseSchema, type ReviewItem } from '../protocol';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { ticketAndReleaseBatch } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

describe.each(STORAGE_KINDS)('customer and staff APIs on %s', (kind) => {
  let central: TestCentral;
  let now = Date.parse('2026-03-01T12:00:00Z');
  beforeEach(() => {
    now = Date.parse('2026-03-01T12:00:00Z');
  });
  eachTestCentral(kind, (started) => (central = started), {
    clock: () => new Date(now),
    processor: true,
  });

  function staffClient() {
    const facilityId = central.facility.id;
    return central.staff(
      (['reviewer', 'supervisor', 'agent'] as const).map((role) => ({ role, facilityId })),
    );
  }

  it('finds a resident, registers, locks after five wrong passwords, recovers with a single-use temporary password', async () => {
    const residentId = await central.resident({
      docNumber: 'S777777',
      firstName: 'Marcus',
      lastName: 'Reed',
    });
    const customer = new TestCustomer(central.baseUrl);
    const found = await customer.call('POST', '/v1/customers/lookup', {
      state: 'fl',
      docNumber: 's777777',
    });
    expect(found).toMatchObject({
      status: 200,
      body: { residentId, firstName: 'Marcus', lastName: 'Reed', state: 'FL' },
    });
    expect(
      (await customer.call('POST', '/v1/customers/lookup', { state: 'FL', docNumber: 'X1' }))
        .status,
    ).toBe(404);
    await customer.register(residentId);
    const terms = await central.storage.get<{ terms_version: string }>(
      'SELECT terms_version FROM customers WHERE id = ?',
      [customer.customerId],
    );
    expect(terms?.terms_version).toBe('2026-01');
    expect(
      (
        await customer.call('POST', '/v1/customers/register', {
          email: customer.email,
          password: 'another password',
          displayName: 'X',
          residentId,
          acceptedTermsVersion: '1',
        })
      ).status,
    ).toBe(202);

    for (let i = 0; i < 4; i += 1)
      expect((await customer.login('wrong password!')).status).toBe(401);
    expect((await customer.login('wrong password!')).status).toBe(423);
    expect((await customer.login()).status).toBe(423);

    expect(
      (await customer.call('POST', '/v1/customers/forgot-password', { email: customer.email }))
        .status,
    ).toBe(202);
    expect(
      (
        await customer.call('POST', '/v1/customers/forgot-password', {
          email: 'nobody@example.com',
        })
      ).status,
    ).toBe(202);
    const mail = await central.storage.get<{ body: string; to_email: string }>(
      "SELECT to_email, body FROM mail_outbox WHERE subject LIKE '%temporary%'",
    );
    expect(mail?.to_email).toBe(customer.email);
    expect(mail?.body).toMatch(/contraseña temporal/);
    const temporary = /password is (\S+)\./.exec(mail?.body ?? '')?.[1] ?? '';
    // The temporary password works although this address is locked out: it proves the mailbox.
    const withTemporary = await customer.login(temporary);
    expect(withTemporary).toMatchObject({ status: 200, body: { mustChangePassword: true } });
    expect((await customer.call('GET', '/v1/customer/account')).status).toBe(403);
    expect(
      (
        await customer.call('POST', '/v1/customer/password', {
          currentPassword: '',
          newPassword: 'a brand new secret',
        })
      ).status,
    ).toBe(204);
    expect((await customer.login(temporary)).status).toBe(401);
    expect((await customer.login('a brand new secret')).status).toBe(200);

    now += 31 * 60_000;
    await customer.call('POST', '/v1/customers/forgot-password', { email: customer.email });
    const second = (
      await central.storage.all<{ body: string }>(
        "SELECT body FROM mail_outbox WHERE subject LIKE '%temporary%' ORDER BY created_at DESC",
      )
    )[0];
    assert.isDefined(second);
    now += 31 * 60_000;
    expect((await customer.login(/password is (\S+)\./.exec(second.body)?.[1])).status).toBe(401);
  });

  it('answers an unknown email exactly as a wrong password', async () => {
    const customer = await new TestCustomer(central.baseUrl).register(await central.resident());
    const wrong = await customer.login('wrong password!');
    const unknown = await customer.call('POST', '/v1/customers/login', {
      email: `nobody-${crypto.randomUUID()}@example.com`,
      password: 'wrong password!',
    });
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    const counted = await central.storage.get<{ failures: number }>(
      'SELECT failures FROM login_failures WHERE account = ?',
      [`customer:${customer.customerId}`],
    );
    expect(Number(counted?.failures)).toBe(1);
  });

  it('bad customer payloads get 400 with issues and change nothing', async () => {
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    for (const body of [
      {},
      { messageId: 'nope', residentId, body: 'x' },
      { messageId: crypto.randomUUID(), residentId, body: 'x', prepaidReplyStamps: -1 },
    ]) {
      const answer = await customer.call<{ error: { code: string; issues: unknown[] } }>(
        'POST',
        '/v1/customer/mail',
        body,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.issues.length).toBeGreaterThan(0);
    }
    // An American Express card (refused by the domain) is refused before it is charged.
    const refused = await customer.buyStamps(
      await central.cardToken('378282246310005'),
      residentId,
    );
    expect(refused.status).toBe(422);
    expect(
      (await customer.call('POST', '/v1/customer/stamps', { purchaseId: 'x', card: {} })).status,
    ).toBe(400);
    const counts = await central.storage.get<{ m: number; l: number }>(
      'SELECT (SELECT COUNT(*) FROM messages) AS m, (SELECT COUNT(*) FROM ledger) AS l',
    );
    expect(Number(counts?.m)).toBe(0);
    expect(Number(counts?.l)).toBe(0);
    expect(
      (await new TestCustomer(central.baseUrl).call('GET', '/v1/customer/account')).status,
    ).toBe(401);
  });

  it('reviews mail: flags, approve, reject with reason, escalate, audit, overdue, unlock', async () => {
    const residentId = await central.resident({}, { stamps: 5 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    await customer.buyStamps(await central.cardToken(), residentId, 'bundle-20');
    const send = (body: string) =>
      customer.call<{ messageId: string }>('POST', '/v1/customer/mail', {
        messageId: crypto.randomUUID(),
        residentId,
        body,
      });
    const clean = (await send('See you on Sunday')).body.messageId;
    const rude = (await send('You damn idiot, I will kill you')).body.messageId;
    const third = (await send('Happy birthday')).body.messageId;

    const staff = await staffClient();
    expect((await new TestCustomer(central.baseUrl).call('GET', '/v1/staff/review')).status).toBe(
      401,
    );
    const flagged = await staff.call<{ items: ReviewItem[] }>(
      'GET',
      '/v1/staff/review?filter=flagged',
    );
    expect(flagged.body.items.map((item) => item.messageId)).toEqual([rude]);
    expect(flagged.body.items[0]?.flags.map((flag) => flag.reason)).toContain('threat');
    expect(
      (await staff.call<{ items: unknown[] }>('GET', '/v1/staff/review')).body.items,
    ).toHaveLength(3);

    expect(
      (await staff.call('POST', `/v1/staff/review/${rude}`, { decision: 'reject', note: '' }))
        .status,
    ).toBe(400);
    expect(
      (
        await staff.call('POST', `/v1/staff/review/${rude}`, {
          decision: 'reject',
          reason: 'threat',
        })
      ).body,
    ).toMatchObject({ status: 'rejected' });
    expect(
      (await staff.call('POST', `/v1/staff/review/${clean}`, { decision: 'approve' })).body,
    ).toMatchObject({ status: 'released' });
    expect(
      (await staff.call('POST', `/v1/staff/review/${clean}`, { decision: 'approve' })).status,
    ).toBe(409);
    expect(
      (
        await staff.call('POST', `/v1/staff/review/${third}`, {
          decision: 'escalate',
          note: 'check with unit',
        })
      ).body,
    ).toMatchObject({ escalated: true, status: 'in_review' });
    const trail = await staff.call<{ entries: { action: string; actor: string }[] }>(
      'GET',
      `/v1/staff/audit?subjectId=${rude}`,
    );
    expect(trail.body.entries.map((entry) => entry.action)).toEqual(['review.reject']);

    const kiosk = await central.device();
    now += 73 * 3_600_000;
    // Staff sessions end after 30 idle minutes: sign in again.
    expect((await staff.call('GET', '/v1/staff/overdue')).status).toBe(401);
    expect((await staff.login(central.clock)).status).toBe(200);
    const overdue = await staff.call<{ items: ReviewItem[] }>('GET', '/v1/staff/overdue');
    expect(overdue.body.items.map((item) => item.messageId).sort()).toEqual([clean, third].sort());

    // The resident's devices see the released message only: behind the review gate the rejected
    // and the escalated ones do not exist for them (only the sender sees a rejection).
    const page = PullResponseSchema.parse(
      (
        await kiosk.request('POST', '/v1/pull', {
          scopes: [{ scope: { kind: 'resident', id: residentId }, cursor: null }],
        })
      ).body,
    ).pages[0];
    assert.isDefined(page);
    const statuses = Object.fromEntries(
      page.changes
        .filter((c) => c.entity === 'message')
        .map((c) => [c.id, c.op === 'upsert' ? c.data : null]),
    );
    expect(statuses[clean]).toMatchObject({ status: 'released' });
    expect(Object.keys(statuses)).toEqual([clean]);

    // Reading it on the device completes the timeline.
    const read = await kiosk.request<{ results: { outcome: unknown }[] }>('POST', '/v1/push', {
      mutations: [
        {
          id: crypto.randomUUID(),
          seq: 1,
          createdAt: '2026-03-04T00:00:00.000Z',
          name: 'mail.markRead',
          args: { messageId: clean, residentId, readAt: '2026-03-04T00:00:00.000Z' },
        },
      ],
    });
    expect(read.body.results[0]?.outcome).toEqual({ status: 'applied' });
    const timeline = await central.storage.get<{ timeline: string }>(
      'SELECT timeline FROM messages WHERE id = ?',
      [clean],
    );
    expect(JSON.parse(timeline!.timeline).map((e: { status: string }) => e.status)).toEqual([
      'sent',
      'in_review',
      'released',
      'delivered',
      'read',
    ]);

    const pins = [1, 2, 3, 4, 5].map((n) => ({
      id: crypto.randomUUID(),
      seq: n + 1,
      createdAt: '2026-03-04T00:00:00.000Z',
      name: 'auth.pinFailed',
      args: { residentId, at: '2026-03-04T00:00:00.000Z' },
    }));
    await kiosk.request('POST', '/v1/push', { mutations: pins });
    expect((await staff.call('POST', `/v1/staff/residents/${residentId}/unlock`)).status).toBe(204);
    const unlocked = await central.storage.get<{ locked_at: string | null }>(
      'SELECT locked_at FROM residents WHERE id = ?',
      [residentId],
    );
    expect(unlocked?.locked_at).toBeNull();
  });

  it('files a ticket at the kiosk, an agent answers, and a release request is tracked', async () => {
    const residentId = await central.resident();
    const kiosk = await central.device();
    const ticketId = crypto.randomUUID();
    const requestId = crypto.randomUUID();
    const pushed = await kiosk.request<{ results: { outcome: unknown }[] }>(
      'POST',
      '/v1/push',
      ticketAndReleaseBatch(residentId, ticketId, requestId),
    );
    expect(pushed.body.results.map((r) => r.outcome)).toEqual([
      { status: 'applied' },
      { status: 'applied' },
    ]);
    const staff = await staffClient();
    expect(
      (
        await staff.call('POST', `/v1/staff/tickets/${ticketId}/reply`, {
          ticketMessageId: crypto.randomUUID(),
          body: 'Try another cable',
        })
      ).status,
    ).toBe(204);
    const page = PullResponseSchema.parse(
      (
        await kiosk.request('POST', '/v1/pull', {
          scopes: [{ scope: { kind: 'resident', id: residentId }, cursor: null }],
        })
      ).body,
    ).pages[0];
    assert.isDefined(page);
    expect(page.changes.find((c) => c.entity === 'ticket')).toMatchObject({
      data: { status: 'answered' },
    });
    expect(page.changes.find((c) => c.entity === 'ticket_message')).toMatchObject({
      data: { author: 'agent' },
    });
    expect(page.changes.find((c) => c.entity === 'release_request')).toMatchObject({
      data: { status: 'requested', agencyAddress: central.facility.agencyAddress },
    });
  });
});
