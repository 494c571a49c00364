import { describe, expect, it } from 'vitest';
import { HEADERS, PullResponseSchema, type PullResponse } from '../protocol';
import { SESSION_TTL_MS } from './http/device-sessions';
import { TestCentral } from './testing/central';
import type { HttpAnswer, TestDevice } from './testing/device';
import { eachTestCentral } from './testing/each-central';
import { STORAGE_KINDS } from './testing/storages';

/**
 * Device sessions (sync/protocol session.ts) against a real service on each engine. The attacker
 * is on the path or holds another enrolled device: they record and replay MAC requests (also
 * across a restart), use a session id they saw with their own device id or without its key, wait
 * for a key to expire, and strip or swap the proof to fall back to another form of request.
 */

type ErrorAnswer = HttpAnswer<{ error: { code: string } }>;
const codeOf = (answer: HttpAnswer) => (answer as ErrorAnswer).body?.error?.code;

async function withSession(central: TestCentral): Promise<TestDevice> {
  const device = await central.device();
  const opened = await device.openSession();
  expect(opened.status).toBe(200);
  return device;
}

describe.each(STORAGE_KINDS)('device sessions on %s', (kind) => {
  let central: TestCentral;
  let now = Date.parse('2026-03-01T12:00:00.000Z');
  eachTestCentral(kind, (started) => (central = started), { clock: () => new Date(now) });

  it('serves MAC requests after one signed request, and pulls the same pages', async () => {
    const device = await withSession(central);
    const info = await device.sessionRequest<{ deviceId: string }>('GET', '/v1/device');
    expect(info).toMatchObject({ status: 200, body: { deviceId: device.id } });
    const scopes = [{ scope: { kind: 'facility', id: central.facility.id }, cursor: null }];
    const byMac = await device.sessionRequest<PullResponse>('POST', '/v1/pull', { scopes });
    const bySignature = await device.request<PullResponse>('POST', '/v1/pull', { scopes });
    expect(byMac.status).toBe(200);
    expect(PullResponseSchema.parse(byMac.body).pages[0]!.changes).toEqual(
      PullResponseSchema.parse(bySignature.body).pages[0]!.changes,
    );
  });

  it('refuses a replayed MAC request, and a counter that fell out of the window', async () => {
    const device = await withSession(central);
    const body = Buffer.alloc(0);
    const recorded = device.sessionHeaders('GET', '/v1/device', body, { counter: 5 });
    expect((await device.send('GET', '/v1/device', recorded)).status).toBe(200);
    const replay = await device.send('GET', '/v1/device', recorded);
    expect(replay.status).toBe(401);
    expect(codeOf(replay)).toBe('replayed');
    // Out of order within the window is fine (concurrent requests); far behind is not.
    expect(
      (await device.sessionRequest('GET', '/v1/device', undefined, { counter: 3 })).status,
    ).toBe(200);
    expect(
      (await device.sessionRequest('GET', '/v1/device', undefined, { counter: 500 })).status,
    ).toBe(200);
    const stale = await device.sessionRequest('GET', '/v1/device', undefined, { counter: 400 });
    expect(codeOf(stale)).toBe('replayed');
  });

  it('refuses a changed body or a forged MAC, and such a request burns no counter', async () => {
    const device = await withSession(central);
    const scopes = [{ scope: { kind: 'facility', id: central.facility.id }, cursor: null }];
    const headers = device.sessionHeaders(
      'POST',
      '/v1/pull',
      Buffer.from(JSON.stringify({ scopes })),
      {
        counter: 1,
      },
    );
    const other = Buffer.from(JSON.stringify({ scopes, limit: 1 }));
    const changed = await device.send(
      'POST',
      '/v1/pull',
      { ...headers, 'content-type': 'application/json' },
      other,
    );
    expect(changed.status).toBe(401);
    expect(codeOf(changed)).toBe('unauthorized');
    const forged = await device.sessionRequest('GET', '/v1/device', undefined, {
      counter: 2,
      tamper: (h) => void (h[HEADERS.mac] = Buffer.alloc(32, 9).toString('base64url')),
    });
    expect(forged.status).toBe(401);
    // A body the route refuses (before the window moves) burns no counter either.
    const refused = await device.sessionRequest(
      'POST',
      '/v1/pull',
      { scopes: 'all' },
      { counter: 3 },
    );
    expect(refused.status).toBe(400);
    for (const counter of [1, 2, 3]) {
      expect(
        (await device.sessionRequest('GET', '/v1/device', undefined, { counter })).status,
      ).toBe(200);
    }
  });

  it('refuses an expired session; the device opens another and goes on', async () => {
    const device = await withSession(central);
    expect((await device.sessionRequest('GET', '/v1/device')).status).toBe(200);
    now += SESSION_TTL_MS;
    const expired = await device.sessionRequest('GET', '/v1/device');
    expect(expired.status).toBe(401);
    expect(codeOf(expired)).toBe('session_expired');
    const stale = device.session!;
    expect((await device.openSession()).status).toBe(200);
    expect((await device.sessionRequest('GET', '/v1/device')).status).toBe(200);
    // The expired session stays dead, also with a fresh counter.
    const again = await device.sessionRequest('GET', '/v1/device', undefined, {
      session: stale,
      counter: 99,
    });
    expect(codeOf(again)).toBe('session_expired');
  });

  it("refuses device A's session used under device B's id, or without its key", async () => {
    const victim = await withSession(central);
    const thief = await withSession(central);
    // The thief knows the session id and even the key, but the session belongs to the victim.
    const underOwnId = await thief.sessionRequest('GET', '/v1/device', undefined, {
      session: victim.session,
    });
    expect(underOwnId.status).toBe(401);
    expect(codeOf(underOwnId)).toBe('session_expired');
    // Under the victim's id, with the session id seen on the wire but a key of its own.
    const withoutKey = await thief.sessionRequest('GET', '/v1/device', undefined, {
      session: { ...victim.session!, key: thief.session!.key, counter: 40 },
      deviceId: victim.id,
    });
    expect(withoutKey.status).toBe(401);
    expect(codeOf(withoutKey)).toBe('unauthorized');
    // The victim's own session is untouched by both attempts.
    expect((await victim.sessionRequest('GET', '/v1/device')).status).toBe(200);
  });

  it('refuses every downgrade: stripped, doubled or swapped proofs, and MACed session opening', async () => {
    const device = await withSession(central);
    const body = Buffer.alloc(0);
    const macHeaders = device.sessionHeaders('GET', '/v1/device', body, { counter: 7 });
    const { [HEADERS.session]: sessionId, [HEADERS.mac]: mac, ...rest } = macHeaders;
    // The MAC passed off as a signature (session header stripped).
    const asSignature = await device.send('GET', '/v1/device', {
      ...rest,
      [HEADERS.signature]: mac!,
    });
    expect(asSignature.status).toBe(401);
    // A MAC without its session, a session without its MAC, both proofs at once.
    expect((await device.send('GET', '/v1/device', { ...rest, [HEADERS.mac]: mac! })).status).toBe(
      401,
    );
    expect(
      (await device.send('GET', '/v1/device', { ...rest, [HEADERS.session]: sessionId! })).status,
    ).toBe(401);
    const both = {
      ...device.signedHeaders('GET', '/v1/device', body),
      [HEADERS.session]: sessionId!,
      [HEADERS.mac]: mac!,
    };
    expect((await device.send('GET', '/v1/device', both)).status).toBe(401);
    // A session cannot open the next one: a stolen key dies with its session.
    const renewed = await device.sessionRequest('POST', '/v1/session', {
      publicKey: 'A'.repeat(43),
    });
    expect(renewed.status).toBe(401);
    // None of these burnt the counter they carried.
    expect((await device.send('GET', '/v1/device', macHeaders)).status).toBe(200);
  });

  it('refuses a recorded MAC request after the service restarted', async () => {
    const first = await TestCentral.start(central.storage, { clock: () => new Date(now) });
    const device = await withSession(first);
    const recorded = device.sessionHeaders('GET', '/v1/device', Buffer.alloc(0));
    expect((await device.send('GET', '/v1/device', recorded)).status).toBe(200);
    await first.stop();
    // The same database, a new process: the session is gone, so nothing recorded plays again.
    const restarted = await TestCentral.start(central.storage, { clock: () => new Date(now) });
    try {
      const replay = await fetch(`${restarted.baseUrl}/v1/device`, { headers: recorded });
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { error: { code: string } }).error.code).toBe(
        'session_expired',
      );
    } finally {
      await restarted.stop();
    }
  });

  it('ends the sessions of a revoked device, and keeps one session per device', async () => {
    const device = await withSession(central);
    const older = device.session!;
    expect((await device.openSession()).status).toBe(200);
    const ended = await device.sessionRequest('GET', '/v1/device', undefined, {
      session: older,
      counter: 1,
    });
    expect(codeOf(ended)).toBe('session_expired');
    expect((await central.admin('POST', `/v1/admin/devices/${device.id}/revoke`)).status).toBe(204);
    const revoked = await device.sessionRequest('GET', '/v1/device');
    expect(revoked.status).toBe(403);
    expect(codeOf(revoked)).toBe('device_revoked');
  });

  it('refuses an unusable X25519 key (a low-order point) and a malformed body', async () => {
    const device = await central.device();
    const zero = await device.request('POST', '/v1/session', {
      publicKey: Buffer.alloc(32).toString('base64url'),
    });
    expect(zero.status).toBe(400);
    const extra = await device.request('POST', '/v1/session', { publicKey: 'x', mac: 'y' });
    expect(extra.status).toBe(400);
  });
});
