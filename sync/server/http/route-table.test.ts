import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVICE_PROFILES, STAFF_ROLES, type StaffRole } from '../../../domain';
import { createCentralServer } from '../app';
import { openSqliteStorage } from '../storage/sqlite';
import type { TestCentral } from '../testing/central';
import { TestCustomer } from '../testing/customer';
import type { TestDevice } from '../testing/device';
import { versionHeaders } from '../testing/device';
import { eachTestCentral } from '../testing/each-central';
import type { TestStaff } from '../testing/staff';
import { STORAGE_KINDS } from '../testing/storages';
import { describeAccess, whoMayCallWhat } from './access-table';
import { declaredRoutes, type DeclaredRoute } from './access-control';

/**
 * Every route the central service registers, walked from its own route table: each must declare
 * who may call it, and every caller it does not name is refused (anonymous, each other kind of
 * caller, staff without the role), also under encoded, upper-case, trailing-slash and
 * double-slash spellings of its path.
 */

const dir = mkdtempSync(join(tmpdir(), 'homeline-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const updates = {
  releasesDir: dir,
  publicKey: generateKeyPairSync('ed25519').publicKey,
};

/** A concrete path for a route pattern: ids for `:id`, a hash for `:sha256`. */
function concrete(url: string): string {
  return url
    .replace(':sha256', 'a'.repeat(64))
    .replace(/:[a-z]+/gi, () => '00000000-0000-4000-8000-000000000001');
}

/** One raw HTTP request, the path sent byte for byte (no client-side normalization). */
function raw(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers: {
          ...headers,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const REFUSED = [401, 403];
const hasBody = (method: string) => !['GET', 'HEAD'].includes(method);

describe.each(STORAGE_KINDS)('route table on %s', (kind) => {
  let central: TestCentral;
  eachTestCentral(kind, (started) => (central = started), { updates });

  function routes(): readonly DeclaredRoute[] {
    return declaredRoutes(central.app);
  }

  it('every registered route declares who may call it', () => {
    expect(routes().length).toBeGreaterThan(30);
    expect(routes().filter((route) => !route.access)).toEqual([]);
  });

  it('refuses anonymous callers on every route that is not public', async () => {
    for (const route of routes()) {
      if (route.access?.kind === 'public' || route.access?.kind === 'webhook') continue;
      const body = hasBody(route.method) ? '{}' : undefined;
      const answer = await raw(
        central.baseUrl,
        route.method,
        concrete(route.url),
        versionHeaders(),
        body,
      );
      expect({ route, status: answer.status }).toEqual({
        route,
        status: expect.toSatisfy((s: number) => REFUSED.includes(s)),
      });
    }
  });

  it('refuses every kind of caller a route does not name, and staff without its role', async () => {
    const kiosk: TestDevice = await central.device('kiosk');
    const residentId = await central.resident();
    const customer = await new TestCustomer(central.baseUrl).register(residentId);
    const staffOf = new Map<StaffRole, TestStaff>();
    for (const role of STAFF_ROLES)
      staffOf.set(role, await central.staff([{ role, facilityId: central.facility.id }], role));
    for (const route of routes()) {
      const access = route.access;
      if (!access || access.kind === 'public' || access.kind === 'webhook') continue;
      const path = concrete(route.url);
      const body = hasBody(route.method) ? '{}' : undefined;
      const callers: [string, Record<string, string>][] = [];
      if (access.kind !== 'device')
        callers.push([
          'device',
          {
            ...versionHeaders(),
            ...kiosk.signedHeaders(route.method, path, Buffer.from(body ?? '')),
          },
        ]);
      // Callers send the version headers a device would, so the refusal is about who calls.
      const versions = versionHeaders();
      if (access.kind !== 'customer')
        callers.push(['customer', { ...versions, authorization: `Bearer ${customer.token}` }]);
      if (access.kind !== 'staff')
        callers.push(['staff', { ...versions, ...central.operator.headers() }]);
      else {
        for (const role of STAFF_ROLES.filter((r) => !access.roles.includes(r)))
          callers.push([`staff ${role}`, staffOf.get(role)!.headers()]);
      }
      // The shared admin token of the first release is no credential anywhere.
      callers.push([
        'admin token',
        { ...versions, authorization: 'Bearer test-admin-token-0123456789abcdef' },
      ]);
      for (const [caller, headers] of callers) {
        const answer = await raw(central.baseUrl, route.method, path, headers, body);
        expect({ route: `${route.method} ${route.url}`, caller, status: answer.status }).toEqual({
          route: `${route.method} ${route.url}`,
          caller,
          status: expect.toSatisfy((s: number) => REFUSED.includes(s)),
        });
      }
    }
  });

  it('refuses encoded, upper-case, trailing-slash and double-slash spellings of every path', async () => {
    for (const route of routes()) {
      if (route.access?.kind === 'public' || route.access?.kind === 'webhook') continue;
      const path = concrete(route.url);
      const segments = path.split('/');
      const encodedFirst = segments
        .map((segment, i) =>
          i === 2 && segment.length > 0
            ? `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`
            : segment,
        )
        .join('/');
      const variants = [
        encodedFirst,
        path.toUpperCase(),
        `${path}/`,
        `/${path}`,
        path.replace('/v1/', '/v1//'),
        path.replace('/v1/', '/%2Fv1/').replace('/%2Fv1/', '/v1%2F'),
      ];
      const body = hasBody(route.method) ? '{}' : undefined;
      for (const variant of variants) {
        const answer = await raw(central.baseUrl, route.method, variant, versionHeaders(), body);
        expect({ variant, status: answer.status }).toEqual({
          variant,
          status: expect.toSatisfy((s: number) => [...REFUSED, 404].includes(s)),
        });
      }
    }
  });

  it('POST /v1/%61dmin/enroll-codes without a session creates no code (the first finding)', async () => {
    const before = await central.storage.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM enroll_codes',
    );
    const body = JSON.stringify({ facilityId: central.facility.id, profile: 'lobby' });
    for (const path of [
      '/v1/%61dmin/enroll-codes',
      '/v1/admin/enroll-codes',
      '/v1/ADMIN/enroll-codes',
    ]) {
      const answer = await raw(central.baseUrl, 'POST', path, {}, body);
      expect(REFUSED.concat(404)).toContain(answer.status);
    }
    // The encoded spelling reaches the same route, and so the same rule: 401, not 404.
    expect((await raw(central.baseUrl, 'POST', '/v1/%61dmin/enroll-codes', {}, body)).status).toBe(
      401,
    );
    const after = await central.storage.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM enroll_codes',
    );
    expect(Number(after?.n)).toBe(Number(before?.n));
    // With an IT session it works, under the same declaration.
    expect((await central.admin('POST', '/v1/%61dmin/enroll-codes', JSON.parse(body))).status).toBe(
      201,
    );
  });

  it('device routes refuse devices of profiles they do not name', async () => {
    for (const route of routes()) {
      const access = route.access;
      if (access?.kind !== 'device') continue;
      for (const profile of DEVICE_PROFILES.filter((p) => !access.profiles.includes(p))) {
        const device = await central.device(profile);
        const path = concrete(route.url);
        const body = hasBody(route.method) ? '{}' : undefined;
        const answer = await raw(
          central.baseUrl,
          route.method,
          path,
          {
            ...versionHeaders(),
            ...device.signedHeaders(route.method, path, Buffer.from(body ?? '')),
          },
          body,
        );
        expect(answer.status).toBe(403);
      }
    }
  });

  it('docs/central.md "Who may call what" lists exactly the declared routes', () => {
    const doc = readFileSync(new URL('../../../docs/central.md', import.meta.url), 'utf8');
    expect(doc).toContain(whoMayCallWhat(routes()));
    expect(describeAccess({ kind: 'staff', roles: ['finance'] })).toBe('staff: finance');
  });
});

describe('a route without a declaration', () => {
  it('is refused at run time', async () => {
    const storage = await openSqliteStorage(join(dir, 'undeclared.db'));
    const app = await createCentralServer({ storage, logger: pino({ level: 'silent' }) });
    app.get('/v1/undeclared', async () => ({ leaked: true }));
    const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const answer = await raw(baseUrl, 'GET', '/v1/undeclared');
      expect(answer.status).toBe(403);
      expect(answer.text).not.toContain('leaked');
      expect(declaredRoutes(app).find((route) => route.url === '/v1/undeclared')?.access).toBe(
        undefined,
      );
    } finally {
      await app.close();
      await storage.close();
    }
  });
});
