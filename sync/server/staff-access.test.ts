import { request as httpRequest } from 'node:http';
import { assert, beforeEach, describe, expect, it } from 'vitest';
import { RELEASE_STATUSES, type FacilityConfig } from '../../domain';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { TestDevice, ticketAndReleaseBatch } from './testing/device';
import { TestStaff } from './testing/staff';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Staff identity, facility scoping, lockout per account and source, accounts without
 * enumeration, and the push guards, on both engines.
 */
describe.each(STORAGE_KINDS)('staff and account security on %s', (kind) => {
  let central: TestCentral;
  let now = Date.parse('2026-03-01T12:00:00Z');
  beforeEach(() => {
    now = Date.parse('2026-03-01T12:00:00Z');
  });
  // The proxy in front is 127.0.0.1: X-Forwarded-For names the caller's address.
  eachTestCentral(kind, (started) => (central = started), {
    clock: () => new Date(now),
    trustProxy: '127.0.0.1',
    processor: true,
  });

  const post = (path: string, body: unknown, from = '10.0.0.1') =>
    fetch(`${central.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));

  it('signs staff in with password and a one-time TOTP code into a Secure, httpOnly, SameSite=Strict cookie session with CSRF', async () => {
    const facilityId = central.facility.id;
    const staff = await central.staff([{ role: 'reviewer', facilityId }]);
    const cookie = (await staff.login(central.clock)).setCookie;
    // The code was used by the first sign-in in this 30-second step: a replay is refused.
    expect((await staff.login(central.clock)).status).toBe(401);
    now += 30_000;
    const fresh = await staff.login(central.clock);
    expect(fresh.status).toBe(200);
    expect(fresh.setCookie[0]).toMatch(/^__Host-homeline-staff=/);
    expect(fresh.setCookie[0]).toMatch(/HttpOnly/);
    expect(fresh.setCookie[0]).toMatch(/Secure/);
    expect(fresh.setCookie[0]).toMatch(/SameSite=Strict/);
    expect(cookie).toEqual([]);
    now += 30_000;
    expect((await staff.login(central.clock, { code: '000000' })).status).toBe(401);
    expect((await staff.login(central.clock, { password: 'not it' })).status).toBe(401);

    // A state-changing call without the CSRF header is refused even with the cookie.
    const sessionCookie = staff.headers().cookie;
    assert.isDefined(sessionCookie);
    const noCsrf = await fetch(`${central.baseUrl}/v1/staff/logout`, {
      method: 'POST',
      headers: { cookie: sessionCookie },
    });
    expect(noCsrf.status).toBe(403);

    const sessions = await staff.call<{ sessions: { sessionId: string; current: boolean }[] }>(
      'GET',
      '/v1/staff/sessions',
    );
    expect(sessions.body.sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.body.sessions.find((s) => !s.current)!;
    expect((await staff.call('POST', `/v1/staff/sessions/${other.sessionId}/revoke`)).status).toBe(
      204,
    );
    expect(
      (await staff.call<{ sessions: unknown[] }>('GET', '/v1/staff/sessions')).body.sessions,
    ).toHaveLength(1);
    // Idle for 31 minutes: the session is over.
    now += 31 * 60_000;
    expect((await staff.call('GET', '/v1/staff/me')).status).toBe(401);
    now += 30_000;
    expect((await staff.login(central.clock)).status).toBe(200);
    expect((await staff.call('POST', '/v1/staff/logout')).status).toBe(204);
    expect((await staff.call('GET', '/v1/staff/me')).status).toBe(401);
  });

  it('keeps staff to their facilities on every staff route (a second facility with its own data)', async () => {
    const other: FacilityConfig = { ...central.facility, id: 'other-facility', name: 'Other CI' };
    expect((await central.admin('PUT', '/v1/admin/facilities', other)).status).toBe(200);
    const theirs = await central.resident({ facilityId: other.id });
    const customer = await new TestCustomer(central.baseUrl).register(theirs);
    await customer.buyStamps(await central.cardToken(), theirs, 'bundle-20');
    const sent = await customer.call<{ messageId: string }>('POST', '/v1/customer/mail', {
      messageId: crypto.randomUUID(),
      residentId: theirs,
      body: 'Hello from outside',
    });
    const messageId = sent.body.messageId;
    const facilityId = central.facility.id;
    const here = await central.staff(
      (['reviewer', 'supervisor', 'agent', 'finance', 'it_admin'] as const).map((role) => ({
        role,
        facilityId,
      })),
    );
    // The other facility's staff did something on record there.
    const there = await central.staff([{ role: 'supervisor', facilityId: other.id }]);
    expect((await there.call('POST', `/v1/staff/residents/${theirs}/unlock`)).status).toBe(204);

    expect((await here.call<{ items: unknown[] }>('GET', '/v1/staff/review')).body.items).toEqual(
      [],
    );
    expect(
      (await here.call('POST', `/v1/staff/review/${messageId}`, { decision: 'approve' })).status,
    ).toBe(404);
    expect((await here.call('POST', `/v1/staff/residents/${theirs}/unlock`)).status).toBe(404);
    expect(
      (await here.call('POST', `/v1/staff/customers/${customer.customerId}/unlock`)).status,
    ).toBe(404);
    expect(
      (await here.call<{ entries: unknown[] }>('GET', `/v1/staff/audit?subjectId=${theirs}`)).body
        .entries,
    ).toEqual([]);
    expect(
      (await there.call<{ entries: unknown[] }>('GET', `/v1/staff/audit?subjectId=${theirs}`)).body
        .entries,
    ).toHaveLength(1);
    expect(
      (
        await here.call('POST', '/v1/admin/enroll-codes', {
          facilityId: other.id,
          profile: 'lobby',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await here.call('POST', '/v1/admin/residents', {
          facilityId: other.id,
          state: 'FL',
          docNumber: 'S999',
          firstName: 'X',
          lastName: 'Y',
          pin: '1234',
          badgeId: null,
          tabletSerial: null,
        })
      ).status,
    ).toBe(404);
    expect(
      (await here.call('PUT', '/v1/admin/facilities', { ...other, name: 'Renamed' })).status,
    ).toBe(404);
    expect(
      (
        await here.call('POST', '/v1/admin/staff', {
          email: 'x@example.org',
          name: 'X',
          grants: [{ role: 'reviewer', facilityId: other.id }],
        })
      ).status,
    ).toBe(404);
    // Their kiosk files a ticket and a release request; their customer deposits (finance data).
    const unit = { id: 'other-unit', facilityId: other.id, name: 'Other unit' };
    expect((await central.admin('PUT', '/v1/admin/housing-units', unit)).status).toBe(200);
    const code = await central.admin<{ code: string }>('POST', '/v1/admin/enroll-codes', {
      facilityId: other.id,
      profile: 'kiosk',
      housingUnitId: unit.id,
    });
    const theirKiosk = new TestDevice(central.baseUrl);
    expect((await theirKiosk.enroll(code.body.code)).status).toBe(201);
    const ticketId = crypto.randomUUID();
    const requestId = crypto.randomUUID();
    await theirKiosk.request(
      'POST',
      '/v1/push',
      ticketAndReleaseBatch(theirs, ticketId, requestId),
    );
    const depositId = crypto.randomUUID();
    expect(
      (
        await customer.call('POST', '/v1/customer/deposits', {
          channel: 'bank_card',
          depositId,
          residentId: theirs,
          amountCents: 5000,
          card: { token: await central.cardToken() },
          expectedFeeCents: 495,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await here.call('POST', `/v1/staff/tickets/${ticketId}/reply`, {
          ticketMessageId: crypto.randomUUID(),
          body: 'hi',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await here.call('POST', `/v1/staff/release-requests/${requestId}`, {
          status: RELEASE_STATUSES[1],
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await here.call('POST', '/v1/admin/chargebacks', {
          chargebackId: crypto.randomUUID(),
          depositId,
          kind: 'bank_card',
          amountCents: 3000,
        })
      ).status,
    ).toBe(404);
    expect((await here.call('POST', `/v1/admin/devices/${theirKiosk.id}/revoke`)).status).toBe(404);
    expect((await here.call('POST', `/v1/admin/staff/${there.staffId}/disable`)).status).toBe(404);
    expect((await theirKiosk.request('GET', '/v1/device')).status).toBe(200);
    expect((await there.call('GET', '/v1/staff/me')).status).toBe(200);
    // Past the delivery target, their overdue message is not in this facility's list.
    now += 20 * 60_000;
    expect((await here.call<{ items: unknown[] }>('GET', '/v1/staff/overdue')).body.items).toEqual(
      [],
    );
    // Every action here landed in the trail with the person, the facility and before/after.
    const entry = await central.storage.get<{ actor: string; facility_id: string; detail: string }>(
      "SELECT actor, facility_id, detail FROM audit WHERE action = 'resident.unlock'",
    );
    expect(entry?.actor).toBe(`staff:${there.staffId}`);
    expect(entry?.facility_id).toBe(other.id);
    expect(JSON.parse(entry!.detail)).toMatchObject({ before: {}, after: { lockedAt: null } });
  });

  it('locks an address out of an account after five wrong passwords, never the owner elsewhere; the temporary password always works', async () => {
    const customer = await new TestCustomer(central.baseUrl).register(await central.resident());
    const login = (password: string, from: string) =>
      post('/v1/customers/login', { email: customer.email, password }, from);
    for (let i = 0; i < 4; i += 1) expect((await login('wrong!', '203.0.113.9')).status).toBe(401);
    expect((await login('wrong!', '203.0.113.9')).status).toBe(423);
    expect((await login(customer.password, '203.0.113.9')).status).toBe(423);
    // The owner, from home, is not locked out.
    expect((await login(customer.password, '198.51.100.7')).status).toBe(200);
    // An unknown email locks the same way from one address: nothing tells them apart.
    for (let i = 0; i < 5; i += 1)
      await post(
        '/v1/customers/login',
        { email: 'ghost@example.com', password: 'x' },
        '203.0.113.9',
      );
    expect(
      (
        await post(
          '/v1/customers/login',
          { email: 'ghost@example.com', password: 'x' },
          '203.0.113.9',
        )
      ).status,
    ).toBe(423);

    // Forgot-password asked five times: one mail, one open temporary password, the same answers.
    const answers = [];
    for (let i = 0; i < 5; i += 1)
      answers.push(
        await post('/v1/customers/forgot-password', { email: customer.email }, `10.1.0.${i}`),
      );
    answers.push(await post('/v1/customers/forgot-password', { email: 'ghost@example.com' }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    const mails = await central.storage.all<{ body: string }>(
      "SELECT body FROM mail_outbox WHERE to_email = ? AND subject LIKE '%temporary%'",
      [customer.email],
    );
    expect(mails).toHaveLength(1);
    const open = await central.storage.get<{ n: number; hash: string }>(
      'SELECT COUNT(*) AS n, MAX(password_hash) AS hash FROM temporary_passwords WHERE customer_id = ? AND used_at IS NULL',
      [customer.customerId],
    );
    expect(Number(open?.n)).toBe(1);
    const temporary = /password is (\S+)\./.exec(mails[0]!.body)![1]!;
    expect(open?.hash).toMatch(/^scrypt\$/);
    expect(open?.hash).not.toContain(temporary);
    // The locked-out address still gets in with the temporary password (it proves the mailbox).
    expect(await login(temporary, '203.0.113.9')).toMatchObject({
      status: 200,
      body: { mustChangePassword: true },
    });
    // The sixth ask for the same account within the window is rate limited.
    expect(
      (await post('/v1/customers/forgot-password', { email: customer.email }, '10.2.0.1')).status,
    ).toBe(429);
  });

  it('answers registration the same for a new and a taken email', async () => {
    const residentId = await central.resident();
    const taken = await new TestCustomer(central.baseUrl).register(residentId);
    const body = (email: string) => ({
      email,
      password: 'another password',
      displayName: 'X',
      residentId,
      acceptedTermsVersion: '1',
    });
    const again = await post('/v1/customers/register', body(taken.email));
    const fresh = await post('/v1/customers/register', body('new-person@example.com'));
    expect(again).toEqual(fresh);
    expect(again.status).toBe(202);
    // The owner of the taken email hears about it; their password is unchanged.
    expect((await taken.login()).status).toBe(200);
    const notice = await central.storage.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM mail_outbox WHERE to_email = ? AND subject LIKE '%tried%'",
      [taken.email],
    );
    expect(Number(notice?.n)).toBe(1);
  });

  it('refuses a push numbered far past the mark, without moving the anti-replay window', async () => {
    const residentId = await central.resident();
    const kiosk = await central.device();
    const mutation = (seq: number) => ({
      id: crypto.randomUUID(),
      seq,
      createdAt: '2026-03-01T00:00:00.000Z',
      name: 'auth.pinSucceeded',
      args: { residentId, at: '2026-03-01T00:00:00.000Z' },
    });
    const wedge = await kiosk.request(
      'POST',
      '/v1/push',
      { mutations: [mutation(Number.MAX_SAFE_INTEGER)] },
      { counter: 1_000_000 },
    );
    expect(wedge.status).toBe(400);
    // Counter 1,000,000 was refused with its body, so a counter far below it is still fresh.
    const fine = await kiosk.request(
      'POST',
      '/v1/push',
      { mutations: [mutation(1)] },
      { counter: 50 },
    );
    expect(fine.status).toBe(200);
    const bad = await kiosk.request('POST', '/v1/push', { nope: true }, { counter: 2_000_000 });
    expect(bad.status).toBe(400);
    expect((await kiosk.request('GET', '/v1/device', undefined, { counter: 51 })).status).toBe(200);
  });

  it('refuses an unauthenticated upload before reading its body, and large bodies on small routes', async () => {
    const { hostname, port } = new URL(central.baseUrl);
    // 50 MiB announced, not a byte sent: the answer comes before any body is read.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        {
          host: hostname,
          port,
          method: 'PUT',
          path: `/v1/customer/blobs/${'a'.repeat(64)}`,
          headers: { 'content-type': 'image/png', 'content-length': 50 * 1024 * 1024 },
        },
        (response) => {
          resolve(response.statusCode ?? 0);
          request.destroy();
        },
      );
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(401);
    const big = await post('/v1/customers/login', {
      email: 'x@example.com',
      password: 'p'.repeat(100 * 1024),
    });
    expect(big.status).toBe(413);
  });

  it('locks staff sign-in per source too, and a disabled account cannot sign in', async () => {
    const facilityId = central.facility.id;
    const staff = await central.staff([{ role: 'agent', facilityId }]);
    const attempt = (from: string, password: string) =>
      post(
        '/v1/staff/login',
        { email: staff.email, password, code: staff.code(central.clock) },
        from,
      );
    for (let i = 0; i < 4; i += 1) expect((await attempt('203.0.113.5', 'nope')).status).toBe(401);
    expect((await attempt('203.0.113.5', 'nope')).status).toBe(423);
    now += 30_000;
    expect((await attempt('198.51.100.1', staff.password)).status).toBe(200);
    expect((await central.admin('POST', `/v1/admin/staff/${staff.staffId}/disable`)).status).toBe(
      204,
    );
    expect((await staff.call('GET', '/v1/staff/me')).status).toBe(401);
    now += 30_000;
    expect((await attempt('198.51.100.1', staff.password)).status).toBe(401);
  });

  it('IT creates an account within its facilities; the person signs in with the secrets shown once', async () => {
    const facilityId = central.facility.id;
    const it = await central.staff([{ role: 'it_admin', facilityId }]);
    const created = await it.call<{ staffId: string; initialPassword: string; totpSecret: string }>(
      'POST',
      '/v1/admin/staff',
      {
        email: 'New.Reviewer@Example.org',
        name: 'New Reviewer',
        grants: [{ role: 'reviewer', facilityId }],
      },
    );
    expect(created.status).toBe(201);
    // An all-facility grant needs IT for every facility.
    expect(
      (
        await it.call('POST', '/v1/admin/staff', {
          email: 'wide@example.org',
          name: 'Wide',
          grants: [{ role: 'it_admin', facilityId: '*' }],
        })
      ).status,
    ).toBe(403);
    const person = new TestStaff(
      central.baseUrl,
      created.body.staffId,
      'new.reviewer@example.org',
      created.body.initialPassword,
      created.body.totpSecret,
    );
    now += 30_000;
    expect((await person.login(central.clock)).status).toBe(200);
    expect((await person.call<{ items: unknown[] }>('GET', '/v1/staff/review')).status).toBe(200);
    const stored = await central.storage.get<{ password_hash: string }>(
      'SELECT password_hash FROM staff_members WHERE id = ?',
      [created.body.staffId],
    );
    expect(stored?.password_hash).toMatch(/^scrypt\$/);
    const trail = await central.storage.get<{ actor: string; facility_id: string }>(
      "SELECT actor, facility_id FROM audit WHERE action = 'staff.create'",
    );
    expect(trail).toEqual({ actor: `staff:${it.staffId}`, facility_id: facilityId });
  });
});
