import { describe, expect, it } from 'vitest';
import { PushResponseSchema } from '../protocol';
import type { TestCentral } from './testing/central';
import { TestCustomer } from './testing/customer';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Names and subjects show what they say: every write path stores them without bidi controls
 * (U+202E RIGHT-TO-LEFT OVERRIDE reverses what follows it on screen) or other invisible
 * characters, so a reviewer reads what is stored.
 */

const RLO = '\u202e';
const at = '2026-01-01T00:00:00.000Z';

describe.each(STORAGE_KINDS)('visible names and subjects on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { processor: true });

  it('a resident, a staff member and a customer are stored with visible names only', async () => {
    const resident = await central.admin<{ residentId: string }>('POST', '/v1/admin/residents', {
      facilityId: central.facility.id,
      state: 'FL',
      docNumber: 'S765432',
      firstName: `Ana${RLO}nimda`,
      lastName: 'Lo\u200bpez\u2066',
      pin: '1234',
    });
    expect(resident.status).toBe(201);
    const staff = await central.admin('POST', '/v1/admin/staff', {
      email: 'reviewer@facility.example',
      name: `\u202dRev${RLO}iewer`,
      grants: [{ role: 'reviewer', facilityId: central.facility.id }],
    });
    expect(staff.status).toBe(201);
    const customer = new TestCustomer(central.baseUrl);
    const registered = await customer.call('POST', '/v1/customers/register', {
      email: customer.email,
      password: customer.password,
      displayName: `Rosa ${RLO}gpj.exe`,
      residentId: resident.body.residentId,
      acceptedTermsVersion: '2026-01',
    });
    expect(registered.status).toBe(202);
    const names = [
      ...(await central.storage.all('SELECT first_name AS a, last_name AS b FROM residents')),
      ...(await central.storage.all(
        "SELECT name AS a FROM staff_members WHERE email = 'reviewer@facility.example'",
      )),
      ...(await central.storage.all('SELECT display_name AS a FROM customers')),
    ];
    expect(names).toEqual([
      { a: 'Ananimda', b: 'Lopez' },
      { a: 'Reviewer' },
      { a: 'Rosa gpj.exe' },
    ]);
  });

  it('a name made only of invisible characters is refused as empty', async () => {
    const answer = await central.admin('POST', '/v1/admin/staff', {
      email: 'nobody@facility.example',
      name: `${RLO}\u200b\u2069`,
      grants: [{ role: 'reviewer', facilityId: central.facility.id }],
    });
    expect(answer.status).toBe(400);
    expect(
      await central.storage.all(
        "SELECT name FROM staff_members WHERE email = 'nobody@facility.example'",
      ),
    ).toEqual([]);
  });

  it('subjects and bodies from devices and customers, and release forms, are stored visible', async () => {
    const residentId = await central.resident({}, { stamps: 5 });
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    await customer.buyStamps(await central.cardToken(), residentId);
    const fromCustomer = await customer.call('POST', '/v1/customer/mail', {
      messageId: crypto.randomUUID(),
      residentId,
      subject: `Photos ${RLO}4pm.exe`,
      body: `Hi\u200b there\r\n${RLO}bye`,
    });
    expect(fromCustomer.status).toBe(201);
    const kiosk = await central.device();
    const pushed = await kiosk.request('POST', '/v1/push', {
      mutations: [
        {
          id: crypto.randomUUID(),
          seq: 1,
          createdAt: at,
          name: 'mail.send',
          args: {
            messageId: crypto.randomUUID(),
            residentId,
            customerId: customer.customerId,
            kind: 'email',
            subject: `Re: ${RLO}olleh`,
            body: 'fine\u2028thanks',
          },
        },
        {
          id: crypto.randomUUID(),
          seq: 2,
          createdAt: at,
          name: 'release.request',
          args: {
            requestId: crypto.randomUUID(),
            residentId,
            tabletSerial: 'TAB-1',
            firstName: `A${RLO}na`,
            lastName: 'Lopez',
            phone: '555 123 4567',
            returnAddress: '1 Main St\u2067',
          },
        },
      ],
    });
    const outcomes = PushResponseSchema.parse(pushed.body).results.map((r) => r.outcome);
    expect(outcomes).toEqual([{ status: 'applied' }, { status: 'applied' }]);
    const messages = await central.storage.all<{ subject: string; body: string }>(
      'SELECT subject, body FROM messages ORDER BY direction',
    );
    expect(messages).toEqual([
      { subject: 'Photos 4pm.exe', body: 'Hi there\nbye' },
      { subject: 'Re: olleh', body: 'fine\nthanks' },
    ]);
    const form = await central.storage.get<{ data: string }>('SELECT data FROM release_requests');
    expect(JSON.parse(form!.data)).toMatchObject({ firstName: 'Ana', returnAddress: '1 Main St' });
  });
});
