import { describe, expect, it } from 'vitest';
import { HEADERS } from '../../sync/protocol';
import { createHttpTransport, enrollDevice, generateDeviceKeys } from '../../sync/client';
import { SESSION_TTL_MS } from '../../sync/server/http/device-sessions';
import { TestCentral } from '../../sync/server/testing/central';
import { eachTestCentral } from '../../sync/server/testing/each-central';
import { STORAGE_KINDS } from '../../sync/server/testing/storages';

/**
 * The device's transport (sync/client) against the real service: it opens one session with a
 * signed request, MACs every request after it, and renews by itself when the session runs out,
 * when the service restarted, and shortly before the lifetime the service gave it.
 */

interface Sent {
  path: string;
  status: number;
  headers: Record<string, string>;
}

describe.each(STORAGE_KINDS)('the device transport with sessions (%s)', (kind) => {
  let central: TestCentral;
  let serverNow = Date.parse('2026-03-01T12:00:00.000Z');
  eachTestCentral(kind, (started) => (central = started), { clock: () => new Date(serverNow) });

  async function enrolledTransport(options: { now?: () => number } = {}) {
    const keys = generateDeviceKeys();
    const identity = await enrollDevice(
      { baseUrl: central.baseUrl, appVersion: '1.0.0', schemaVersion: 1 },
      { code: await central.enrollCode(), publicKey: keys.publicKey, appVersion: '1.0.0' },
    );
    const sent: Sent[] = [];
    let counter = 0;
    let baseUrl = central.baseUrl;
    const transport = createHttpTransport({
      baseUrl: () => baseUrl,
      appVersion: '1.0.0',
      schemaVersion: 1,
      credentials: () => ({ deviceId: identity.deviceId, privateKey: keys.privateKey }),
      nextRequestCounter: () => ++counter,
      now: options.now,
      // The real fetch, recording what went over the wire.
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        sent.push({
          path: new URL(String(url)).pathname,
          status: response.status,
          headers: init?.headers as Record<string, string>,
        });
        return response;
      },
    });
    return { transport, sent, moveTo: (url: string) => (baseUrl = url) };
  }

  const scopes = () => [
    { scope: { kind: 'facility' as const, id: central.facility.id }, cursor: null },
  ];

  it('signs once to open a session, then MACs every request, concurrent ones included', async () => {
    const { transport, sent } = await enrolledTransport();
    await Promise.all([
      transport.deviceInfo(),
      transport.pull({ scopes: scopes() }),
      transport.deviceInfo(),
    ]);
    await transport.pull({ scopes: scopes() });
    expect(sent.map((s) => s.path).filter((p) => p === '/v1/session')).toHaveLength(1);
    expect(sent[0]!.path).toBe('/v1/session');
    expect(sent[0]!.headers[HEADERS.signature]).toBeDefined();
    for (const request of sent.slice(1)) {
      expect(request.status).toBe(200);
      expect(request.headers[HEADERS.signature]).toBeUndefined();
      expect(request.headers[HEADERS.mac]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('opens another session when the service says the session expired, and the call succeeds', async () => {
    const { transport, sent } = await enrolledTransport();
    await transport.deviceInfo();
    serverNow += SESSION_TTL_MS;
    const info = await transport.deviceInfo();
    expect(info.facilityId).toBe(central.facility.id);
    expect(sent.map((s) => `${s.path} ${s.status}`)).toEqual([
      '/v1/session 200',
      '/v1/device 200',
      '/v1/device 401',
      '/v1/session 200',
      '/v1/device 200',
    ]);
  });

  it('opens another session after the service restarted', async () => {
    const { transport, sent, moveTo } = await enrolledTransport();
    await transport.pull({ scopes: scopes() });
    const restarted = await TestCentral.start(central.storage, {
      clock: () => new Date(serverNow),
    });
    try {
      moveTo(restarted.baseUrl);
      await transport.pull({ scopes: scopes() });
      expect(sent.slice(2).map((s) => `${s.path} ${s.status}`)).toEqual([
        '/v1/pull 401',
        '/v1/session 200',
        '/v1/pull 200',
      ]);
    } finally {
      await restarted.stop();
    }
  });

  it('renews shortly before the lifetime runs out, by its own monotonic clock', async () => {
    let deviceNow = 0;
    const { transport, sent } = await enrolledTransport({ now: () => deviceNow });
    await transport.deviceInfo();
    deviceNow += SESSION_TTL_MS - 30_000; // within the last minute: renew before sending
    await transport.deviceInfo();
    expect(sent.map((s) => `${s.path} ${s.status}`)).toEqual([
      '/v1/session 200',
      '/v1/device 200',
      '/v1/session 200',
      '/v1/device 200',
    ]);
  });
});
